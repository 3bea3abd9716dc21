//! The fixed-layout fast paths: which numbers join a `struct.Struct`
//! run, and the whole-message `unpack` and `pack` of a struct made
//! only of fixed-width numbers and bools.

use std::fmt::Write as _;

use crate::spec::trace::{Fields, Prim, Shape};

/// The `struct` format letter of a primitive that can join a run.
pub(super) fn run_letter(p: Prim) -> Option<char> {
    Some(match p {
        Prim::Bool | Prim::U8 => 'B',
        Prim::U16 => 'H',
        Prim::U32 => 'I',
        Prim::U64 => 'Q',
        Prim::I8 => 'b',
        Prim::I16 => 'h',
        Prim::I32 => 'i',
        Prim::I64 => 'q',
        Prim::F64 => 'd',
        // f32 keeps NaN bits through `_F32`.
        Prim::F32 | Prim::U128 | Prim::I128 => return None,
    })
}

/// The whole-message paths of a fixed layout: statements for `decode`
/// (given `data` and `cls`) and `encode` (given `value` and `t`) that
/// `return` when they apply.
pub(super) struct Fast {
    pub(super) decode: String,
    pub(super) encode: String,
}

/// Whole-message paths for a struct of fixed-width numbers (the common
/// fixed header), when the configured limit and depth admit it: a decoder
/// taking exactly its bytes in one `unpack` (or `None` to let the reader
/// find the error), and an encoder packing the fields in one `pack`.
pub(super) fn fast_path(
    funcs: &mut String,
    fast: &mut Vec<String>,
    pack: &mut Vec<String>,
    py: &str,
    fields: &Fields,
    config: (usize, usize),
) -> Option<Fast> {
    let shapes = fields.shapes();
    let mut letters = String::new();
    let mut size = 0;
    let mut bools = Vec::new();
    for (i, s) in shapes.iter().enumerate() {
        let Shape::Prim(p) = s else { return None };
        let l = run_letter(*p)?;
        if *p == Prim::Bool {
            bools.push(i);
        }
        letters.push(l);
        size += p.size();
    }
    let (limit, depth) = config;
    if shapes.is_empty() || size > limit || depth < 1 {
        return None;
    }
    let locals = (0..shapes.len())
        .map(|i| format!("x{i}, "))
        .collect::<String>();
    let locals = locals.trim_end();
    // `struct` refuses every value it cannot pack (`encode` turns its
    // error into EncodeError) but packs any int as a bool's byte.
    let checks = |indent: &str| {
        let mut out = String::new();
        for &i in &bools {
            let _ = writeln!(
                out,
                "{indent}if x{i} is not True and x{i} is not False:\n{indent}    raise EncodeError(f\"not a bool: {{x{i}!r}}\")"
            );
        }
        out
    };
    let _ = writeln!(funcs, "_W_{py} = struct.Struct(\">{letters}\")\n\n");
    let _ = writeln!(
        funcs,
        "def _fast_{py}(data: bytes, _cls: type = {py}) -> Any:"
    );
    let _ = writeln!(funcs, "    if len(data) != {size}:\n        return None");
    if bools.is_empty() {
        let _ = writeln!(funcs, "    return _tnew(_cls, _W_{py}.unpack(data))\n\n");
    } else {
        let _ = writeln!(funcs, "    {locals} = _W_{py}.unpack(data)");
        for &i in &bools {
            let _ = writeln!(
                funcs,
                "    if x{i} > 1:\n        return None\n    x{i} = x{i} == 1"
            );
        }
        let _ = writeln!(funcs, "    return _tnew(_cls, ({locals}))\n\n");
    }
    let _ = writeln!(
        funcs,
        "def _pack_{py}(v: {py}) -> bytes:\n    {locals} = v\n{}    return _W_{py}.pack({locals})\n\n",
        checks("    ")
    );
    fast.push(format!("{py}: _fast_{py}"));
    pack.push(format!("{py}: _pack_{py}"));
    let decode = if bools.is_empty() {
        format!(
            "    if cls is MESSAGE and type(data) is bytes and len(data) == {size}:\n        return _tnew(MESSAGE, _W_{py}.unpack(data))\n"
        )
    } else {
        String::new()
    };
    let encode = format!(
        "        if t is MESSAGE:\n            {locals} = value\n{}            return _W_{py}.pack({locals})\n",
        checks("            ")
    );
    Some(Fast { decode, encode })
}
