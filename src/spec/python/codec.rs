//! The codec of each shape: the Python expression that builds it from
//! the runtime's codec classes (`_Str`, `_Seq`, `_Option`, …), and the
//! module-level table that builds each anonymous codec once at import.

use std::collections::BTreeMap;

use super::naming::PyNames;
use crate::spec::trace::{Prim, Shape};
use crate::with::{Adapter, Width};

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

fn len_codec(w: Width) -> String {
    let signed = matches!(w, Width::I16 | Width::I32);
    format!(
        "_Len({}, {})",
        w.size(),
        if signed { "True" } else { "False" }
    )
}

/// Whether the Python value of `s` can be `None`.
pub(super) fn nullable(s: &Shape) -> bool {
    matches!(
        s,
        Shape::Option(_) | Shape::Adapted(Adapter::Nullable(_) | Adapter::EmptyAsNone, _)
    )
}

pub(super) fn all_u8(v: &[Shape]) -> bool {
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

/// The anonymous codecs of a module, each built once at import.
#[derive(Default)]
pub(super) struct Codecs {
    by_expr: BTreeMap<String, String>,
    pub(super) order: Vec<(String, String)>,
}

impl Codecs {
    /// The name of the codec of `s`: a runtime constant, a named type's,
    /// or a module-level one built at import.
    pub(super) fn name(&mut self, s: &Shape, n: &PyNames) -> String {
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
