//! The Python 3 module: standard library only.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::names::{self, Scope, py_str};
use super::trace::{Container, Fields, Prim, Registry, Shape};
use super::{Framing, Spec};
use crate::with::{Adapter, Width};

const RUNTIME: &str = include_str!("runtime.py");

/// Module-level names of the runtime and API, and builtins it uses: no
/// type may take them.
const RESERVED: &[&str] = &[
    "annotations",
    "struct",
    "sys",
    "Any",
    "Callable",
    "ClassVar",
    "Dict",
    "List",
    "NoReturn",
    "Optional",
    "Tuple",
    "LIMIT",
    "DEPTH",
    "LENGTH_WIDTH",
    "MESSAGE",
    "PREAMBLE",
    "FRAMING",
    "frame",
    "unframe",
    "encode",
    "decode",
    "decode_prefix",
    "MessageSocket",
    "bytes",
    "bytearray",
    "int",
    "float",
    "bool",
    "str",
    "len",
    "type",
    "isinstance",
    "range",
    "tuple",
    "list",
    "dict",
    "memoryview",
    "min",
    "max",
    "enumerate",
    "zip",
    "getattr",
    "super",
    "object",
    "print",
    "Exception",
    "BaseException",
    "ValueError",
    "TypeError",
    "KeyError",
    "OverflowError",
    "UnicodeDecodeError",
    "RecursionError",
    "AttributeError",
    "IndexError",
    "NotImplemented",
    "Ellipsis",
    "staticmethod",
    "classmethod",
    "property",
    "iter",
    "next",
    "hash",
    "id",
    "repr",
];

/// The Python names of the types and variants of a registry.
pub(crate) struct PyNames {
    ty: BTreeMap<String, String>,
    /// Per enum, per variant: the class and the attribute on the enum.
    variants: BTreeMap<String, Vec<(String, String)>>,
}

impl PyNames {
    pub(crate) fn new(reg: &Registry) -> Self {
        let mut reserved: Vec<&str> = RESERVED.to_vec();
        for line in RUNTIME.lines().chain(API.lines()) {
            let word = line
                .strip_prefix("class ")
                .or_else(|| line.strip_prefix("def "))
                .unwrap_or(line);
            let end = word
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(word.len());
            if end > 0 && !line.starts_with(' ') {
                reserved.push(&word[..end]);
            }
        }
        let mut module = Scope::new(names::PYTHON, &reserved);
        let take = |module: &mut Scope, n: &str| {
            let id = names::ident(n, names::PYTHON);
            // `_c0`, `_dec_X`, ... are the module's own.
            let id = if id.starts_with('_') {
                format!("T{id}")
            } else {
                id
            };
            module.take_ident(id, &[])
        };
        let ty: BTreeMap<String, String> = reg
            .containers
            .keys()
            .map(|n| (n.clone(), take(&mut module, n)))
            .collect();
        let mut variants = BTreeMap::new();
        for (n, c) in &reg.containers {
            if let Container::Enum { variants: vs, .. } = c {
                let mut attrs = Scope::new(
                    names::PYTHON,
                    &["mro", "_tag", "_fields", "_replace", "_asdict"],
                );
                let list = vs
                    .iter()
                    .map(|v| {
                        let attr = attrs.take(&v.name, &[]);
                        let class = module.take_ident(format!("{}_{attr}", ty[n]), &[]);
                        (class, attr)
                    })
                    .collect();
                variants.insert(n.clone(), list);
            }
        }
        PyNames { ty, variants }
    }

    /// The class of the named type `n`.
    pub(crate) fn ty(&self, n: &str) -> &str {
        self.ty.get(n).map_or("_UNIT", String::as_str)
    }
}

/// The Python names of a container's fields.
pub(crate) fn field_names(fields: &Fields) -> Vec<String> {
    match fields {
        Fields::Unit => Vec::new(),
        Fields::Newtype(_) => vec!["value".into()],
        Fields::Tuple(v) => (0..v.len()).map(|i| format!("_{i}")).collect(),
        Fields::Named(v) => {
            // The class's own names, and those its `__new__` uses.
            let mut scope = Scope::new(
                names::PYTHON,
                &["_tag", "_fields", "_replace", "_asdict", "_cls", "_tnew"],
            );
            v.iter().map(|(n, _)| scope.take(n, &[])).collect()
        }
    }
}

fn prim_codec(p: Prim) -> &'static str {
    match p {
        Prim::Bool => "_BOOL",
        Prim::U8 => "_U8",
        Prim::U16 => "_U16",
        Prim::U32 => "_U32",
        Prim::U64 => "_U64",
        Prim::U128 => "_U128",
        Prim::I8 => "_I8",
        Prim::I16 => "_I16",
        Prim::I32 => "_I32",
        Prim::I64 => "_I64",
        Prim::I128 => "_I128",
        Prim::F32 => "_F32",
        Prim::F64 => "_F64",
    }
}

/// The `struct` format letter of a primitive that can join a run.
fn run_letter(p: Prim) -> Option<char> {
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

fn len_codec(w: Width) -> String {
    let signed = matches!(w, Width::I16 | Width::I32);
    format!(
        "_Len({}, {})",
        w.size(),
        if signed { "True" } else { "False" }
    )
}

/// Whether the Python value of `s` can be `None`.
fn nullable(s: &Shape) -> bool {
    matches!(
        s,
        Shape::Option(_) | Shape::Adapted(Adapter::Nullable(_) | Adapter::EmptyAsNone, _)
    )
}

fn all_u8(v: &[Shape]) -> bool {
    !v.is_empty() && v.iter().all(|s| *s == Shape::Prim(Prim::U8))
}

/// A Python expression building the codec of `s`; `prefix` is the length
/// codec of a string, bytes, sequence or map at the top of `s`.
fn codec(s: &Shape, prefix: &str, n: &PyNames) -> String {
    match s {
        Shape::Unknown => "_UNIT".into(),
        Shape::Padded(len) => format!("_Padded({len})"),
        Shape::Prim(p) => prim_codec(*p).into(),
        Shape::Char => "_CHAR".into(),
        Shape::Unit => "_UNIT".into(),
        Shape::Str => format!("_Str({prefix}, True)"),
        Shape::Bytes => format!("_Str({prefix}, False)"),
        Shape::Option(inner) => format!(
            "_Option({}, {})",
            codec(inner, "_PREFIX", n),
            if nullable(inner) { "True" } else { "False" }
        ),
        Shape::Seq(e) => format!("_Seq({}, {prefix})", codec(e, "_PREFIX", n)),
        Shape::Map(k, v) => format!(
            "_Map({}, {}, {prefix})",
            codec(k, "_PREFIX", n),
            codec(v, "_PREFIX", n)
        ),
        Shape::Tuple(v) if all_u8(v) => format!("_ByteArray({})", v.len()),
        Shape::Tuple(v) => {
            let parts: Vec<_> = v.iter().map(|s| codec(s, "_PREFIX", n)).collect();
            format!("_Tuple({})", parts.join(", "))
        }
        Shape::Named(name) => format!("_N_{}", n.ty(name)),
        Shape::Adapted(a, inner) => match (a, &**inner) {
            (Adapter::Len(w), s) => codec(s, &len_codec(*w), n),
            (Adapter::Nullable(w), Shape::Option(s)) => {
                format!("_Nullable({}, {})", w.size(), codec(s, "_PREFIX", n))
            }
            (Adapter::CStr, Shape::Str) => "_CStr(True)".into(),
            (Adapter::CStr, _) => "_CStr(False)".into(),
            (Adapter::Rest, Shape::Seq(e)) if **e == Shape::Prim(Prim::U8) => "_RestRaw()".into(),
            (Adapter::Rest, Shape::Seq(e)) => {
                format!("_OpenSeq({}, False)", codec(e, "_PREFIX", n))
            }
            (Adapter::Rest, _) => "_RestBytes()".into(),
            (Adapter::NulTerminated, Shape::Seq(e)) => {
                format!("_OpenSeq({}, True)", codec(e, "_PREFIX", n))
            }
            (Adapter::EmptyAsNone, Shape::Option(s)) => {
                format!("_EmptyAsNone({})", codec(s, "_PREFIX", n))
            }
            // The tracer refuses every other combination.
            _ => "_UNIT".into(),
        },
    }
}

/// The Python type annotation of `s`.
pub(crate) fn hint(s: &Shape, n: &PyNames) -> String {
    match s {
        Shape::Unknown | Shape::Unit => "Tuple[()]".into(),
        Shape::Padded(_) => "str".into(),
        Shape::Prim(Prim::Bool) => "bool".into(),
        Shape::Prim(Prim::F32 | Prim::F64) => "float".into(),
        Shape::Prim(_) => "int".into(),
        Shape::Char | Shape::Str => "str".into(),
        Shape::Bytes => "bytes".into(),
        Shape::Option(i) if nullable(i) => "Optional[Some]".into(),
        Shape::Option(i) => format!("Optional[{}]", hint(i, n)),
        Shape::Seq(e) if **e == Shape::Prim(Prim::U8) => "bytes".into(),
        Shape::Seq(e) => format!("List[{}]", hint(e, n)),
        Shape::Map(k, v) => format!("Dict[{}, {}]", hint(k, n), hint(v, n)),
        Shape::Tuple(v) if all_u8(v) => "bytes".into(),
        Shape::Tuple(v) if v.is_empty() => "Tuple[()]".into(),
        Shape::Tuple(v) => {
            let parts: Vec<_> = v.iter().map(|s| hint(s, n)).collect();
            format!("Tuple[{}]", parts.join(", "))
        }
        Shape::Named(name) => format!("\"{}\"", n.ty(name)),
        Shape::Adapted(Adapter::Nullable(_) | Adapter::EmptyAsNone, i) => match &**i {
            Shape::Option(i) => format!("Optional[{}]", hint(i, n)),
            other => hint(other, n),
        },
        Shape::Adapted(Adapter::Rest | Adapter::NulTerminated, i) => hint(i, n),
        Shape::Adapted(_, i) => hint(i, n),
    }
}

/// The anonymous codecs of a module, each built once at import.
#[derive(Default)]
struct Codecs {
    by_expr: BTreeMap<String, String>,
    order: Vec<(String, String)>,
}

impl Codecs {
    /// The name of the codec of `s`: a runtime constant, a named type's,
    /// or a module-level one built at import.
    fn name(&mut self, s: &Shape, n: &PyNames) -> String {
        let expr = codec(s, "_PREFIX", n);
        if expr.starts_with('_') && !expr.contains('(') {
            return expr;
        }
        if let Some(n) = self.by_expr.get(&expr) {
            return n.clone();
        }
        let n = format!("_c{}", self.order.len());
        self.by_expr.insert(expr.clone(), n.clone());
        self.order.push((n.clone(), expr));
        n
    }
}

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

impl Spec {
    /// A Python 3 module (standard library only) that encodes and decodes
    /// the messages exactly as netwire does: a value class per struct and
    /// per enum variant (`Msg_Chat`, a subclass of `Msg`, also reachable as
    /// `Msg.Chat`),
    /// `encode(value) -> bytes`, `decode(data, cls=MESSAGE)` (exactly one
    /// message; trailing bytes are `TrailingBytes`),
    /// `decode_prefix(data, cls=MESSAGE) -> (value, used)`, exceptions
    /// carrying the byte offset (`DecodeError.offset`, one subclass per
    /// netwire `ErrorKind`), the same byte limit and depth limit, the
    /// framing (`frame`, `unframe`) and a `MessageSocket` over a socket.
    ///
    /// A value class is an immutable tuple of its fields in wire order, as
    /// a `collections.namedtuple` is: built by position or keyword
    /// (`Msg_Chat(room=1, text="hi")`), read by name (`v.text`),
    /// `_fields`, `_replace(text="bye")`, `_asdict()`, a `repr` with the
    /// field names, pickling and `match` patterns. Unlike a plain tuple, a
    /// value equals only a value of the same class with equal fields (two
    /// variants with equal fields differ, and no value equals a tuple),
    /// hashes when its fields do, is always true and has no order. A fixed
    /// layout (a struct of numbers and bools) is read with one `unpack` and
    /// written with one `pack`.
    ///
    /// `encode` checks each value's type: a value the protocol cannot carry
    /// is `EncodeError`, never another exception or other bytes. Decoding
    /// goes as deep as the depth limit (the module raises Python's
    /// recursion limit to fit it).
    ///
    /// Values: integers are `int`, floats `float`, `char` and strings
    /// `str`, byte strings, `Vec<u8>` and `[u8; N]` `bytes` (a `Padded<N>`
    /// is a `str`), sequences
    /// `list`, maps `dict`, tuples `tuple`, unit `()`, `Option` `None` or
    /// the value (an `Option` in an `Option` wraps its value in `Some`).
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Point { x: i32, y: i32 }
    ///
    /// let py = Spec::new("geo", Config::new(), Framing::SelfDelimited)
    ///     .message::<Point>()?
    ///     .python();
    /// assert!(py.contains("class Point(_Value):\n"));
    /// assert!(py.contains("struct.Struct(\">ii\")"));
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    pub fn python(&self) -> String {
        let mut out = String::new();
        for line in self.header().lines() {
            let _ = writeln!(out, "# {line}");
        }
        let n = &PyNames::new(&self.reg);
        let first = self
            .message_names()
            .first()
            .map(|s| n.ty(s).to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\"\"\"The `{}` protocol: messages as netwire's `net` format writes them.\n\n\
             encode(value) -> bytes; decode(data, cls={first}); decode_prefix(data, cls={first}) -> (value, used);\n\
             frame(payload)/unframe(buffer) for the framing; MessageSocket(sock) for whole messages.\n\"\"\"\n",
            self.protocol
        );
        out.push_str(
            "from __future__ import annotations\n\nimport struct\nimport sys\nfrom operator import itemgetter as _itemgetter\n\
             from typing import Any, Callable, ClassVar, Dict, List, NoReturn, Optional, Tuple\n\n",
        );
        let _ = writeln!(
            out,
            "LIMIT = {}\n\"\"\"The most bytes one message may occupy.\"\"\"",
            self.config.limit()
        );
        let _ = writeln!(
            out,
            "DEPTH = {}\n\"\"\"The most nested compound values.\"\"\"",
            self.config.depth()
        );
        let _ = writeln!(
            out,
            "LENGTH_WIDTH = {}\n\"\"\"Bytes of a length prefix.\"\"\"\n",
            self.config.length_width().size()
        );
        let _ = writeln!(
            out,
            "FINGERPRINT = 0x{:016x}\n\"\"\"The layout's fingerprint (netwire::spec::Spec::fingerprint).\"\"\"\n",
            self.fingerprint()
        );
        out.push_str(RUNTIME);
        out.push_str(
            "\n\n# ---- the types -----------------------------------------------------------\n\n",
        );

        let mut codecs = Codecs::default();
        let mut runs = Vec::new();
        let mut funcs = String::new();
        let mut encoders = Vec::new();
        let mut fast = Vec::new();
        let mut pack = Vec::new();
        let mut message_fast = None;
        for (name, c) in &self.reg.containers {
            let py = n.ty(name).to_string();
            match c {
                Container::Struct(fields) => {
                    let doc = format!("Rust `{name}`.");
                    write_class(&mut out, &py, "_Value", &doc, fields, None, n);
                    write_fields_codec(
                        n,
                        &mut funcs,
                        &py,
                        &py,
                        fields,
                        !matches!(fields, Fields::Unit),
                        &mut codecs,
                        &mut runs,
                    );
                    encoders.push((py.clone(), py.clone()));
                    let limits = (self.config.limit(), self.config.depth());
                    let paths = fast_path(&mut funcs, &mut fast, &mut pack, &py, fields, limits);
                    if py == first {
                        message_fast = paths;
                    }
                }
                Container::Enum {
                    tag_width,
                    variants,
                    ..
                } => {
                    let _ = writeln!(
                        out,
                        "class {py}(_Value):\n    {}\n\n    __slots__ = ()\n\n",
                        py_str(&format!("Rust enum `{name}`: one subclass per variant."))
                    );
                    let mut dec_table = Vec::new();
                    let mut enc_table = Vec::new();
                    for (v, (vpy, attr)) in variants.iter().zip(&n.variants[name]) {
                        let vpy = vpy.clone();
                        let fields = v.fields.as_ref().unwrap_or(&Fields::Unit);
                        let doc = format!("`{name}::{}`, tag {}.", v.name, v.tag);
                        write_class(&mut out, &vpy, &py, &doc, fields, Some(v.tag), n);
                        let _ =
                            writeln!(out, "{py}.{attr} = {vpy}  # type: ignore[attr-defined]\n\n");
                        let depth = !matches!(fields, Fields::Unit);
                        write_fields_codec(
                            n,
                            &mut funcs,
                            &vpy,
                            &vpy,
                            fields,
                            depth,
                            &mut codecs,
                            &mut runs,
                        );
                        dec_table.push(format!("{}: _dec_{vpy}", v.tag));
                        enc_table.push(format!("{vpy}: _enc_{vpy}"));
                        encoders.push((vpy.clone(), py.clone()));
                    }
                    let _ = writeln!(funcs, "def _dec_{py}(r: _Reader) -> {py}:");
                    let _ = writeln!(funcs, "    tag, start = _tag(r, {tag_width})");
                    let _ = writeln!(
                        funcs,
                        "    return _variant(_tdec_{py}, tag, start, {})(r)\n\n",
                        variants.len()
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
                    encoders.push((py.clone(), py.clone()));
                }
            }
        }
        for r in &runs {
            out.push_str(r);
            out.push('\n');
        }
        out.push_str("\n\n");
        out.push_str(&funcs);
        for name in self.reg.containers.keys() {
            let py = n.ty(name);
            let _ = writeln!(out, "_N_{py} = _Named(_dec_{py}, _enc_{py})");
        }
        for (n, expr) in &codecs.order {
            let _ = writeln!(out, "{n} = {expr}");
        }
        let _ = writeln!(
            out,
            "\n_FAST: Dict[type, Callable[[bytes], Any]] = {{{}}}",
            fast.join(", ")
        );
        let _ = writeln!(
            out,
            "_PACK: Dict[type, Callable[..., bytes]] = {{{}}}",
            pack.join(", ")
        );
        let _ = writeln!(
            out,
            "\n_DECODERS: Dict[type, Callable[[_Reader], Any]] = {{"
        );
        for name in self.reg.containers.keys() {
            let py = n.ty(name);
            let _ = writeln!(out, "    {py}: _dec_{py},");
        }
        let _ = writeln!(
            out,
            "}}\n_ENCODERS: Dict[type, Callable[[_Writer, Any], None]] = {{"
        );
        for (class, enc) in &encoders {
            let _ = writeln!(out, "    {class}: _enc_{enc},");
        }
        let _ = writeln!(
            out,
            "}}\n\nMESSAGE = {first}\n\"\"\"The message type the framing carries.\"\"\"\n"
        );
        let _ = writeln!(
            out,
            "PREAMBLE = {}\n\"\"\"The type read once at the start of each direction, before the first frame (None: no preamble).\"\"\"\n",
            self.preamble.as_deref().map_or("None", |p| n.ty(p))
        );
        // The message type's fixed layout in `encode` and `decode`
        // themselves: a call less on the most common path.
        let (dec_fast, enc_fast) =
            message_fast.map_or_else(Default::default, |f: Fast| (f.decode, f.encode));
        out.push_str(
            &API.replace("        # (the message's fixed layout)\n", &enc_fast)
                .replace("    # (the message's fixed layout)\n", &dec_fast),
        );
        out.push_str(&self.python_framing());
        out
    }

    fn python_framing(&self) -> String {
        let mut out = String::from(
            "\n\n# ---- framing -------------------------------------------------------------\n\n",
        );
        let _ = writeln!(out, "FRAMING = {:?}\n", self.framing.to_string());
        match self.framing {
            Framing::SelfDelimited => out.push_str(
                "def frame(payload: bytes) -> bytes:\n    \"\"\"No frame: the message is its own payload.\"\"\"\n    return bytes(payload)\n\n\n\
                 def unframe(buf: bytes) -> Optional[Tuple[bytes, int]]:\n    \"\"\"Not used: messages are found by decoding them.\"\"\"\n    raise FrameError(\"a self-delimited stream has no frames\")\n",
            ),
            Framing::LengthPrefix {
                width,
                includes_header,
            } => {
                let w = width.size();
                let adj = if includes_header { w } else { 0 };
                let _ = write!(
                    out,
                    "def frame(payload: bytes) -> bytes:\n    \"\"\"The payload after its {w}-byte big-endian length.\"\"\"\n\
                     \x20   n = len(payload) + {adj}\n    if len(payload) > LIMIT or n >= 1 << {bits}:\n        raise EncodeError(f\"a payload of {{len(payload)}} bytes is too long\")\n\
                     \x20   return n.to_bytes({w}, \"big\") + bytes(payload)\n\n\n\
                     def unframe(buf: bytes) -> Optional[Tuple[bytes, int]]:\n    \"\"\"The first frame's payload and the bytes it takes, or None if incomplete.\"\"\"\n\
                     \x20   if len(buf) < {w}:\n        return None\n    n = int.from_bytes(buf[:{w}], \"big\") - {adj}\n\
                     \x20   if n < 0 or n > LIMIT:\n        raise FrameError(f\"a frame announces {{n}} bytes (limit {{LIMIT}})\")\n\
                     \x20   if len(buf) < {w} + n:\n        return None\n    return bytes(buf[{w}:{w} + n]), {w} + n\n",
                    bits = 8 * w
                );
            }
            Framing::Datagram => out.push_str(
                "def frame(payload: bytes) -> bytes:\n    \"\"\"No frame: a datagram holds one message.\"\"\"\n    if len(payload) > LIMIT:\n        raise EncodeError(f\"a payload of {len(payload)} bytes is too long\")\n    return bytes(payload)\n\n\n\
                 def unframe(buf: bytes) -> Optional[Tuple[bytes, int]]:\n    \"\"\"The whole datagram is the payload.\"\"\"\n    if len(buf) > LIMIT:\n        raise FrameError(f\"a datagram of {len(buf)} bytes (limit {LIMIT})\")\n    return bytes(buf), len(buf)\n",
            ),
            Framing::AsciiDigits(d) => {
                let _ = write!(
                    out,
                    "def frame(payload: bytes) -> bytes:\n    \"\"\"The payload after its length in {d} ASCII digits.\"\"\"\n\
                     \x20   if len(payload) > LIMIT or len(payload) >= 10 ** {d}:\n        raise EncodeError(f\"a payload of {{len(payload)}} bytes is too long\")\n\
                     \x20   return b\"%0{d}d\" % len(payload) + bytes(payload)\n\n\n\
                     def unframe(buf: bytes) -> Optional[Tuple[bytes, int]]:\n    \"\"\"The first frame's payload and the bytes it takes, or None if incomplete.\"\"\"\n\
                     \x20   head = bytes(buf[:{d}])\n    for i, b in enumerate(head):\n        if not 0x30 <= b <= 0x39:\n            raise FrameError(f\"byte {{i}} of the header is not a digit\")\n\
                     \x20   if len(head) < {d}:\n        return None\n    n = int(head)\n\
                     \x20   if n > LIMIT:\n        raise FrameError(f\"a frame announces {{n}} bytes (limit {{LIMIT}})\")\n\
                     \x20   if len(buf) < {d} + n:\n        return None\n    return bytes(buf[{d}:{d} + n]), {d} + n\n"
                );
            }
        }
        let self_delimited = matches!(self.framing, Framing::SelfDelimited);
        if self.preamble.is_some() {
            // The preamble comes first, once each way: until it is
            // through, messages are refused rather than misread.
            out.push_str(
                &SOCKET_HEAD
                    .replace(
                        "        self._buf = bytearray()\n",
                        "        self._buf = bytearray()\n        self._preamble_in = False\n        self._preamble_out = False\n",
                    )
                    .replace(
                        "        data = memoryview(frame(encode(value)))\n",
                        "        if not self._preamble_out:\n            raise FrameError(\"send_preamble first: the stream starts with a preamble\")\n\
                         \x20       self._send(frame(encode(value)))\n\n\
                         \x20   def send_preamble(self, value: Any) -> None:\n        \"\"\"Sends the preamble (a PREAMBLE), once, before any message.\"\"\"\n\
                         \x20       if self._preamble_out:\n            raise FrameError(\"the preamble was sent already\")\n\
                         \x20       if not isinstance(value, PREAMBLE):\n            raise EncodeError(f\"the preamble is a {PREAMBLE.__name__}, not {type(value).__name__}\")\n\
                         \x20       data = encode(value)\n        self._preamble_out = True\n        self._send(data)\n\n\
                         \x20   def recv_preamble(self) -> Any:\n        \"\"\"Reads the peer's preamble (a PREAMBLE), once, before any message.\"\"\"\n\
                         \x20       if self._preamble_in:\n            raise FrameError(\"the preamble was read already\")\n\
                         \x20       while True:\n            try:\n                value, used = decode_prefix(self._buf, PREAMBLE)\n\
                         \x20           except UnexpectedEnd:\n                pass\n            else:\n\
                         \x20               del self._buf[:used]\n                self._preamble_in = True\n                return value\n\
                         \x20           chunk = self.sock.recv(65536)\n            if not chunk:\n\
                         \x20               raise FrameError(f\"the peer closed before its preamble ({len(self._buf)} bytes)\")\n\
                         \x20           self._buf += chunk\n\n\
                         \x20   def _send(self, payload: bytes) -> None:\n        data = memoryview(payload)\n",
                    )
                    .replace(
                        "    def _take(self) -> Optional[Tuple[Any]]:\n",
                        "    def _take(self) -> Optional[Tuple[Any]]:\n        if not self._preamble_in:\n\
                         \x20           raise FrameError(\"recv_preamble first: the stream starts with a preamble\")\n",
                    ),
            );
        } else {
            out.push_str(SOCKET_HEAD);
        }
        if self_delimited {
            out.push_str(
                "        if not self._buf:\n            return None\n        try:\n            value, used = decode_prefix(self._buf, self.cls)\n\
                 \x20       except UnexpectedEnd:\n            return None\n        del self._buf[:used]\n        return (value,)\n",
            );
        } else {
            out.push_str(
                "        got = unframe(self._buf)\n        if got is None:\n            return None\n        payload, used = got\n\
                 \x20       del self._buf[:used]\n        return (decode(payload, self.cls),)\n",
            );
        }
        out
    }
}

/// The whole-message paths of a fixed layout: statements for `decode`
/// (given `data` and `cls`) and `encode` (given `value` and `t`) that
/// `return` when they apply.
struct Fast {
    decode: String,
    encode: String,
}

/// Whole-message paths for a struct of fixed-width numbers (the common
/// fixed header), when the configured limit and depth admit it: a decoder
/// taking exactly its bytes in one `unpack` (or `None` to let the reader
/// find the error), and an encoder packing the fields in one `pack`.
fn fast_path(
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

/// The class of a struct or variant: `base` is `_Value` or the enum's
/// class, `tag` the variant's tag.
fn write_class(
    out: &mut String,
    py: &str,
    base: &str,
    doc: &str,
    fields: &Fields,
    tag: Option<u64>,
    n: &PyNames,
) {
    let names = field_names(fields);
    let shapes = fields.shapes();
    let _ = writeln!(out, "class {py}({base}):\n    {}\n", py_str(doc));
    out.push_str("    __slots__ = ()\n");
    let quoted: Vec<_> = names.iter().map(|f| format!("{}, ", py_str(f))).collect();
    let _ = writeln!(out, "    _fields = ({})", quoted.concat().trim_end());
    if let Some(tag) = tag {
        let _ = writeln!(out, "    _tag: ClassVar[int] = {tag}");
    }
    for (f, s) in names.iter().zip(&shapes) {
        let _ = writeln!(out, "    {f}: {}", hint(s, n));
    }
    let params: Vec<_> = names
        .iter()
        .zip(&shapes)
        .map(|(f, s)| format!(", {f}: {}", hint(s, n)))
        .collect();
    let _ = writeln!(
        out,
        "\n    def __new__(_cls{}) -> {py}:\n        return _tnew(_cls, ({}))\n\n",
        params.concat(),
        names
            .iter()
            .map(|f| format!("{f}, "))
            .collect::<String>()
            .trim_end()
    );
}

#[allow(clippy::too_many_arguments)]
fn write_fields_codec(
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

const API: &str = r#"
def encode(value: Any) -> bytes:
    """The bytes of one message (any type of this module)."""
    t = type(value)
    try:
        # (the message's fixed layout)
        pack = _PACK.get(t)
        if pack is not None:
            return pack(value)
        enc = _ENCODERS.get(t)
        if enc is None:
            raise EncodeError(f"not a type of this protocol: {t.__name__}")
        w = _Writer()
        enc(w, value)
    except EncodeError:
        raise
    except (struct.error, OverflowError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise EncodeError(f"{type(e).__name__}: {e}") from None
    if len(w.out) > LIMIT:
        raise EncodeError(f"a message of {len(w.out)} bytes is over the limit of {LIMIT}")
    return bytes(w.out)


def decode(data: bytes, cls: type = MESSAGE) -> Any:
    """Exactly one message of type `cls` filling `data`."""
    # (the message's fixed layout)
    if type(data) is not bytes:
        data = bytes(data)
    fast = _FAST.get(cls)
    if fast is not None:
        value = fast(data)
        if value is not None:
            return value
    r = _Reader(data, True)
    value = _DECODERS[cls](r)
    if r.pos < len(data):
        raise TrailingBytes(r.pos)
    return value


def decode_prefix(data: bytes, cls: type = MESSAGE) -> Tuple[Any, int]:
    """One message of type `cls` from the front of `data`, and the bytes it used."""
    r = _Reader(bytes(data), False)
    value = _DECODERS[cls](r)
    return value, r.pos
"#;

const SOCKET_HEAD: &str = r#"

class MessageSocket:
    """Whole messages over a connected stream socket.

    `recv()` calls `sock.recv` until a whole message is in, keeps the bytes
    of the next one, and returns None on a clean close between messages;
    `send(value)` calls `sock.send` until every byte is sent (at most
    `send_chunk` bytes per call, when given)."""

    def __init__(self, sock: Any, cls: type = MESSAGE, send_chunk: Optional[int] = None) -> None:
        self.sock = sock
        self.cls = cls
        self.send_chunk = send_chunk
        self._buf = bytearray()

    def send(self, value: Any) -> None:
        data = memoryview(frame(encode(value)))
        while data:
            piece = data if self.send_chunk is None else data[:self.send_chunk]
            n = self.sock.send(piece)
            data = data[n:]

    def recv(self) -> Any:
        while True:
            got = self._take()
            if got is not None:
                return got[0]
            chunk = self.sock.recv(65536)
            if not chunk:
                if self._buf:
                    raise FrameError(f"the peer closed inside a message ({len(self._buf)} bytes)")
                return None
            self._buf += chunk

    def _take(self) -> Optional[Tuple[Any]]:
"#;
