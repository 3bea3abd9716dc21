//! The document's types: `J`, a JSON value whose object keys keep the
//! order they were written in, with its writer (one short item per line)
//! and the accessors the reader uses, and the names the document gives
//! primitives and adapters.

use std::fmt::Write as _;

use crate::spec::trace::Prim;
use crate::with::{Adapter, Width};

/// A JSON value whose object keys keep the order they were written in.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum J {
    Null,
    Bool(bool),
    Num(u64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

pub(super) fn obj(pairs: Vec<(&str, J)>) -> J {
    J::Obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub(super) fn s(text: &str) -> J {
    J::Str(text.to_string())
}

/// The widest line the writer puts an object or array on.
const LINE: usize = 96;

impl J {
    /// The value on one line.
    fn compact(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => {
                let _ = write!(out, "{n}");
            }
            J::Str(t) => quote(t, out),
            J::Arr(v) => {
                out.push('[');
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    x.compact(out);
                }
                out.push(']');
            }
            J::Obj(v) => {
                out.push('{');
                for (i, (k, x)) in v.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    quote(k, out);
                    out.push_str(": ");
                    x.compact(out);
                }
                out.push('}');
            }
        }
    }

    /// The value at `indent`: on one line when that line is short, else
    /// one member per line.
    pub(super) fn pretty(&self, indent: usize, out: &mut String) {
        let mut line = String::new();
        self.compact(&mut line);
        // Scalars, and lists of them (the elements of an array), stay on
        // one line.
        let scalar = match self {
            J::Arr(v) => v.iter().all(|x| !matches!(x, J::Arr(_) | J::Obj(_))),
            J::Obj(v) => v.is_empty(),
            _ => true,
        };
        if scalar || indent + line.len() <= LINE {
            out.push_str(&line);
            return;
        }
        let pad = " ".repeat(indent + 2);
        match self {
            J::Arr(v) => {
                out.push_str("[\n");
                for (i, x) in v.iter().enumerate() {
                    out.push_str(&pad);
                    x.pretty(indent + 2, out);
                    out.push_str(if i + 1 < v.len() { ",\n" } else { "\n" });
                }
            }
            J::Obj(v) => {
                out.push_str("{\n");
                for (i, (k, x)) in v.iter().enumerate() {
                    out.push_str(&pad);
                    quote(k, out);
                    out.push_str(": ");
                    x.pretty(indent + 2, out);
                    out.push_str(if i + 1 < v.len() { ",\n" } else { "\n" });
                }
            }
            _ => {}
        }
        out.push_str(&" ".repeat(indent));
        out.push(if matches!(self, J::Arr(_)) { ']' } else { '}' });
    }

    pub(super) fn from_serde(v: serde_json::Value) -> Result<J, String> {
        Ok(match v {
            serde_json::Value::Null => J::Null,
            serde_json::Value::Bool(b) => J::Bool(b),
            serde_json::Value::Number(n) => J::Num(
                n.as_u64()
                    .ok_or_else(|| format!("{n} is not a whole number from 0 to 2^64 - 1"))?,
            ),
            serde_json::Value::String(t) => J::Str(t),
            serde_json::Value::Array(v) => {
                J::Arr(v.into_iter().map(J::from_serde).collect::<Result<_, _>>()?)
            }
            serde_json::Value::Object(m) => J::Obj(
                m.into_iter()
                    .map(|(k, v)| Ok((k, J::from_serde(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
        })
    }

    pub(super) fn get(&self, key: &str) -> Result<&J, String> {
        match self {
            J::Obj(v) => v
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, x)| x)
                .ok_or_else(|| format!("missing key `{key}`")),
            _ => Err(format!("expected an object with the key `{key}`")),
        }
    }

    pub(super) fn num(&self) -> Result<u64, String> {
        match self {
            J::Num(n) => Ok(*n),
            _ => Err("expected a number".into()),
        }
    }

    pub(super) fn str(&self) -> Result<&str, String> {
        match self {
            J::Str(t) => Ok(t),
            _ => Err("expected a string".into()),
        }
    }

    pub(super) fn arr(&self) -> Result<&[J], String> {
        match self {
            J::Arr(v) => Ok(v),
            _ => Err("expected an array".into()),
        }
    }

    pub(super) fn boolean(&self) -> Result<bool, String> {
        match self {
            J::Bool(b) => Ok(*b),
            _ => Err("expected true or false".into()),
        }
    }

    /// The only key of a one-key object, and its value.
    pub(super) fn single(&self) -> Option<(&str, &J)> {
        match self {
            J::Obj(v) if v.len() == 1 => v.first().map(|(k, x)| (k.as_str(), x)),
            _ => None,
        }
    }
}

/// A JSON string literal.
fn quote(t: &str, out: &mut String) {
    out.push('"');
    for c in t.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The adapters by the names the document gives them (their names in
/// [`crate::with`]).
pub(super) const ADAPTERS: [(&str, Adapter); 12] = [
    ("len_u8", Adapter::Len(Width::U8)),
    ("len_u16", Adapter::Len(Width::U16)),
    ("len_u32", Adapter::Len(Width::U32)),
    ("len_u64", Adapter::Len(Width::U64)),
    ("len_i16", Adapter::Len(Width::I16)),
    ("len_i32", Adapter::Len(Width::I32)),
    ("nullable_i16", Adapter::Nullable(Width::I16)),
    ("nullable_i32", Adapter::Nullable(Width::I32)),
    ("cstr", Adapter::CStr),
    ("rest", Adapter::Rest),
    ("nul_terminated", Adapter::NulTerminated),
    ("empty_as_none", Adapter::EmptyAsNone),
];

pub(super) fn adapter_key(a: Adapter) -> &'static str {
    ADAPTERS
        .iter()
        .find(|(_, x)| *x == a)
        .map_or("known", |(n, _)| n)
}

pub(super) const PRIMS: [Prim; 13] = [
    Prim::Bool,
    Prim::U8,
    Prim::U16,
    Prim::U32,
    Prim::U64,
    Prim::U128,
    Prim::I8,
    Prim::I16,
    Prim::I32,
    Prim::I64,
    Prim::I128,
    Prim::F32,
    Prim::F64,
];

pub(super) fn j_text(j: &J) -> String {
    let mut t = String::new();
    j.compact(&mut t);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_escapes_what_json_requires() {
        let mut out = String::new();
        J::Str("a\"b\\c\n\u{1}é".into()).compact(&mut out);
        assert_eq!(out, r#""a\"b\\c\n\u0001é""#);
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, "a\"b\\c\n\u{1}é");
    }
}
