//! The per-type codec functions: `_dec_X` and `_enc_X` of each struct,
//! variant and enum, reading and writing runs of fixed-width numbers
//! with one precompiled `struct.Struct` each and every other field
//! through its codec.

use std::fmt::Write as _;

use super::codec::Codecs;
use super::fast::run_letter;
use super::naming::PyNames;
use crate::spec::trace::{Fields, Prim, Shape};

/// How [`field_code`] left the fields of a value.
enum Decoded {
    /// In locals `x0, x1, …`.
    Locals,
    /// All in the tuple `t` read by one `struct` run (no bools).
    Tuple,
}

/// Writes the decoding and encoding statements of `fields` (their
/// shapes): decoding reads into locals `x0, x1, …` (or the tuple `t`),
/// encoding takes the value `v`, a tuple of the fields.
fn field_code(
    n: &PyNames,
    shapes: &[&Shape],
    codecs: &mut Codecs,
    runs: &mut Vec<String>,
    dec: &mut String,
    enc: &mut String,
) -> Decoded {
    let one_run = !shapes.is_empty()
        && shapes
            .iter()
            .all(|s| matches!(s, Shape::Prim(p) if run_letter(*p).is_some()));
    if !shapes.is_empty() {
        let locals: Vec<_> = (0..shapes.len()).map(|k| format!("x{k}")).collect();
        let _ = writeln!(enc, "    {}, = v", locals.join(", "));
    }
    let mut i = 0;
    while i < shapes.len() {
        // A run of fixed-width numbers: one precompiled struct.Struct.
        let mut j = i;
        let mut letters = String::new();
        while j < shapes.len() {
            match shapes[j] {
                Shape::Prim(p) if run_letter(*p).is_some() => {
                    letters.push(run_letter(*p).unwrap_or('B'));
                    j += 1;
                }
                _ => break,
            }
        }
        if j > i {
            let name = format!("_S{}", runs.len());
            runs.push(format!("{name} = struct.Struct(\">{letters}\")"));
            let mut off = 0;
            let mut layout = Vec::new();
            let mut bools = Vec::new();
            for (k, s) in shapes[i..j].iter().enumerate() {
                let Shape::Prim(p) = s else { continue };
                let is_bool = *p == Prim::Bool;
                layout.push(format!(
                    "({off}, {}, {})",
                    p.size(),
                    if is_bool { "True" } else { "False" }
                ));
                if is_bool {
                    bools.push((i + k, off));
                }
                off += p.size();
            }
            let _ = writeln!(dec, "    p = r.pos");
            let _ = writeln!(dec, "    if p + {off} > r.end:");
            let _ = writeln!(dec, "        _run_check(r, p, ({},))", layout.join(", "));
            let whole = one_run && bools.is_empty();
            if whole {
                let _ = writeln!(dec, "    t = {name}.unpack_from(r.data, p)");
            } else {
                let locals: Vec<_> = (i..j).map(|k| format!("x{k}")).collect();
                let _ = writeln!(
                    dec,
                    "    {}, = {name}.unpack_from(r.data, p)",
                    locals.join(", ")
                );
            }
            let _ = writeln!(dec, "    r.pos = p + {off}");
            for &(k, o) in &bools {
                let _ = writeln!(dec, "    if x{k} > 1:");
                let _ = writeln!(
                    dec,
                    "        raise InvalidBool(p + {o}, f\"byte {{x{k}:#04x}}\")"
                );
                let _ = writeln!(dec, "    x{k} = x{k} == 1");
            }
            // `struct` refuses what is not a number or out of range (the
            // caller turns struct.error into EncodeError), but it packs
            // any int as a bool's byte: those are checked here.
            for &(k, _) in &bools {
                let _ = writeln!(
                    enc,
                    "    if x{k} is not True and x{k} is not False:\n        raise EncodeError(f\"not a bool: {{x{k}!r}}\")"
                );
            }
            let locals: Vec<_> = (i..j).map(|k| format!("x{k}")).collect();
            let _ = writeln!(enc, "    w.out += {name}.pack({})", locals.join(", "));
            if whole {
                return Decoded::Tuple;
            }
            i = j;
            continue;
        }
        let c = codecs.name(shapes[i], n);
        let _ = writeln!(dec, "    x{i} = {c}.dec(r)");
        let _ = writeln!(enc, "    {c}.enc(w, x{i})");
        i += 1;
    }
    Decoded::Locals
}

/// The decoder `_dec_{fn_name}` and encoder `_enc_{fn_name}` of a struct
/// or variant of class `class`, counting a nested level when `depth`.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_fields_codec(
    n: &PyNames,
    funcs: &mut String,
    fn_name: &str,
    class: &str,
    fields: &Fields,
    depth: bool,
    codecs: &mut Codecs,
    runs: &mut Vec<String>,
) {
    let shapes = fields.shapes();
    let mut dec = String::new();
    let mut enc = String::new();
    if depth {
        // enter() and leave(), inlined: this runs once per value.
        dec.push_str(
            "    d = r.depth\n    if not d:\n        r.enter(r.pos)\n    r.depth = d - 1\n",
        );
        enc.push_str("    d = w.depth\n    if not d:\n        w.enter()\n    w.depth = d - 1\n");
    }
    let got = field_code(n, &shapes, codecs, runs, &mut dec, &mut enc);
    if depth {
        dec.push_str("    r.depth = d\n");
        enc.push_str("    w.depth = d\n");
    }
    // The class comes in as `_cls`: a type may be named as a local is.
    let _ = writeln!(
        funcs,
        "def _dec_{fn_name}(r: _Reader, _cls: type = {class}) -> {class}:"
    );
    funcs.push_str(&dec);
    let values = match got {
        Decoded::Tuple => "t".to_string(),
        Decoded::Locals => format!(
            "({})",
            (0..shapes.len())
                .map(|i| format!("x{i}, "))
                .collect::<String>()
                .trim_end()
        ),
    };
    let _ = writeln!(funcs, "    return _tnew(_cls, {values})\n\n");
    let _ = writeln!(
        funcs,
        "def _enc_{fn_name}(w: _Writer, v: {class}, _cls: type = {class}) -> None:"
    );
    let _ = writeln!(
        funcs,
        "    if type(v) is not _cls:\n        raise EncodeError(f\"not a {class}: {{type(v).__name__}}\")"
    );
    funcs.push_str(&enc);
    funcs.push_str("\n\n");
}

/// The decoder and encoder of the enum `py`: the tag of `tag_width`
/// bytes picks the variant's function from the tables `_tdec_{py}` and
/// `_tenc_{py}`, built from `dec_table` and `enc_table`.
pub(super) fn write_enum_codec(
    funcs: &mut String,
    py: &str,
    tag_width: usize,
    variants: usize,
    dec_table: &[String],
    enc_table: &[String],
) {
    let _ = writeln!(funcs, "def _dec_{py}(r: _Reader) -> {py}:");
    let _ = writeln!(funcs, "    tag, start = _tag(r, {tag_width})");
    let _ = writeln!(
        funcs,
        "    return _variant(_tdec_{py}, tag, start, {variants})(r)\n\n"
    );
    let _ = writeln!(funcs, "def _enc_{py}(w: _Writer, v: {py}) -> None:");
    let _ = writeln!(funcs, "    enc = _tenc_{py}.get(type(v))");
    let _ = writeln!(funcs, "    if enc is None:");
    let _ = writeln!(
        funcs,
        "        raise EncodeError(f\"not a {py} variant: {{v!r}}\")"
    );
    let _ = writeln!(funcs, "    w.out += v._tag.to_bytes({tag_width}, \"big\")");
    let _ = writeln!(funcs, "    enc(w, v)\n\n");
    let _ = writeln!(funcs, "_tdec_{py} = {{{}}}", dec_table.join(", "));
    let _ = writeln!(funcs, "_tenc_{py} = {{{}}}\n\n", enc_table.join(", "));
}
