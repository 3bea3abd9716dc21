//! The lines of [`Spec::dump`](crate::spec::Spec::dump): a line per
//! value, opened when the value starts and closed when it ends, and the
//! names of shapes and fields in them.

use std::fmt;

use super::decoder::Decoder;
use crate::net::read::Read;
use crate::spec::trace::{Prim, Shape, adapter_name};

/// One line of a dump: where a value starts and ends, how deep it is,
/// what it is.
pub(super) struct Line {
    pub(super) start: u64,
    pub(super) end: u64,
    pub(super) depth: usize,
    pub(super) label: String,
    pub(super) text: String,
}

/// A field's name in a dump.
#[derive(Clone, Copy)]
pub(super) enum Label<'a> {
    Root,
    Name(&'a str),
    Index(usize),
    Key,
    Val,
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Root => Ok(()),
            Label::Name(n) => f.write_str(n),
            Label::Index(i) => write!(f, "[{i}]"),
            Label::Key => f.write_str("key"),
            Label::Val => f.write_str("value"),
        }
    }
}

/// Whether a shape is a sequence of bytes (under an adapter or not).
pub(super) fn bytes_like(s: &Shape) -> bool {
    match s {
        Shape::Seq(x) => **x == Shape::Prim(Prim::U8),
        Shape::Adapted(_, x) => bytes_like(x),
        _ => false,
    }
}

/// The name of a shape in a dump line.
pub(in crate::spec) fn shape_name(s: &Shape) -> String {
    match s {
        Shape::Unknown => "?".into(),
        Shape::Prim(p) => p.name().into(),
        Shape::Char => "char".into(),
        Shape::Str => "str".into(),
        Shape::Bytes => "bytes".into(),
        Shape::Unit => "()".into(),
        Shape::Option(x) => format!("Option<{}>", shape_name(x)),
        Shape::Seq(x) => format!("Vec<{}>", shape_name(x)),
        Shape::Map(k, v) => format!("Map<{}, {}>", shape_name(k), shape_name(v)),
        Shape::Tuple(v) => {
            let parts: Vec<String> = v.iter().map(shape_name).collect();
            format!("({})", parts.join(", "))
        }
        Shape::Named(n) => n.clone(),
        Shape::Adapted(a, x) => format!("{} ({})", shape_name(x), adapter_name(*a)),
        Shape::Padded(n) => format!("Padded<{n}>"),
    }
}

impl Decoder<'_, '_> {
    /// Opens a dump line for a compound value; its text is set when the
    /// value ends.
    pub(super) fn open(&mut self, label: Label<'_>, start: u64) -> Option<usize> {
        let lines = self.lines.as_mut()?;
        lines.push(Line {
            start,
            end: start,
            depth: self.level,
            label: label.to_string(),
            text: String::new(),
        });
        Some(lines.len() - 1)
    }

    pub(super) fn close(&mut self, line: Option<usize>, text: impl FnOnce() -> String) {
        let end = self.read.pos();
        if let (Some(i), Some(lines)) = (line, self.lines.as_mut()) {
            if let Some(l) = lines.get_mut(i) {
                l.end = end;
                l.text = text();
            }
        }
    }
}
