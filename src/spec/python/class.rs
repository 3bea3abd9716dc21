//! The value classes: one immutable tuple class per struct and per
//! enum variant, with its fields' names and type annotations.

use std::fmt::Write as _;

use super::codec::{all_u8, nullable};
use super::naming::{PyNames, field_names};
use crate::spec::names::py_str;
use crate::spec::trace::{Fields, Prim, Shape};
use crate::with::Adapter;

/// The Python type annotation of `s`.
fn hint(s: &Shape, n: &PyNames) -> String {
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

/// The class of a struct or variant: `base` is `_Value` or the enum's
/// class, `tag` the variant's tag.
pub(super) fn write_class(
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
