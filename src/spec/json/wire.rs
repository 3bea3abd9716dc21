//! The wire form, the text of exactly what the bytes depend on, and the
//! FNV-1a hash of it that is the spec's fingerprint.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::VERSION;
use super::tree::adapter_key;
use crate::spec::trace::{Container, Fields, Prim, Registry, Shape, Variant};
use crate::spec::{Framing, Spec};
use crate::with::{Adapter, Width};

/// The wire form: the layout with every name left out that the bytes do
/// not depend on. Types are numbered in the order a depth-first walk from
/// the message types first meets them.
pub(super) fn wire_form(spec: &Spec) -> String {
    let mut w = WireForm {
        reg: &spec.reg,
        len_width: spec.config.length_width().size(),
        ids: BTreeMap::new(),
        order: Vec::new(),
        inlining: BTreeSet::new(),
    };
    let mut out = format!(
        "netwire-wire/{VERSION};len={};framing={};messages=",
        w.len_width,
        match spec.framing {
            Framing::SelfDelimited => "none".to_string(),
            Framing::Datagram => "datagram".to_string(),
            Framing::LengthPrefix {
                width,
                includes_header,
            } => format!(
                "len{}{}",
                width.size(),
                if includes_header { "h" } else { "" }
            ),
            Framing::AsciiDigits(d) => format!("ascii{d}"),
        }
    );
    let roots: Vec<String> = spec
        .messages
        .iter()
        .map(|m| w.shape(&Shape::Named(m.name.clone())))
        .collect();
    out.push_str(&roots.join(","));
    if let Some(p) = &spec.preamble {
        // Only with a preamble: the fingerprints of other specs stay.
        let p = w.shape(&Shape::Named(p.clone()));
        let _ = write!(out, ";preamble={p}");
    }
    let mut i = 0;
    while i < w.order.len() {
        let name = w.order[i].clone();
        let body = match &spec.reg.containers[&name] {
            Container::Struct(f) => w.fields(f),
            Container::Enum {
                tag_width,
                variants,
                ..
            } => {
                // By tag: the order variants are declared in is not on
                // the wire.
                let mut sorted: Vec<&Variant> = variants.iter().collect();
                sorted.sort_by_key(|v| v.tag);
                let vs: Vec<String> = sorted
                    .into_iter()
                    .map(|v| {
                        let f = v.fields.as_ref().map_or("?".into(), |f| w.fields(f));
                        format!("{}={f}", v.tag)
                    })
                    .collect();
                format!("enum{tag_width}[{}]", vs.join(","))
            }
        };
        let _ = write!(out, ";#{i}={body}");
        i += 1;
    }
    out
}

struct WireForm<'a> {
    reg: &'a Registry,
    len_width: usize,
    ids: BTreeMap<String, usize>,
    order: Vec<String>,
    /// The structs of one field being written in place.
    inlining: BTreeSet<String>,
}

impl WireForm<'_> {
    fn fields(&mut self, f: &Fields) -> String {
        let parts: Vec<String> = f.shapes().into_iter().map(|s| self.shape(s)).collect();
        format!("({})", parts.join(","))
    }

    fn shape(&mut self, s: &Shape) -> String {
        match s {
            Shape::Unknown => "?".into(),
            Shape::Prim(p) => p.name().into(),
            Shape::Char => "char".into(),
            Shape::Str => "str".into(),
            Shape::Bytes => "bytes".into(),
            Shape::Unit => "()".into(),
            Shape::Option(x) => format!("opt<{}>", self.shape(x)),
            // The same bytes as a byte string.
            Shape::Seq(x) if **x == Shape::Prim(Prim::U8) => "bytes".into(),
            Shape::Seq(x) => format!("seq<{}>", self.shape(x)),
            Shape::Map(k, v) => format!("map<{},{}>", self.shape(k), self.shape(v)),
            Shape::Tuple(v) => {
                let parts: Vec<String> = v.iter().map(|x| self.shape(x)).collect();
                format!("({})", parts.join(","))
            }
            Shape::Padded(n) => format!("padded{n}"),
            Shape::Named(n) => {
                let Some(c) = self.reg.containers.get(n) else {
                    return "?".into();
                };
                // A struct of one field writes that field: its bytes.
                if let Container::Struct(f) = c {
                    if let [only] = f.shapes().as_slice() {
                        if !self.inlining.contains(n) {
                            self.inlining.insert(n.clone());
                            let inner = self.shape(only);
                            self.inlining.remove(n);
                            return inner;
                        }
                    }
                }
                let next = self.order.len();
                let id = *self.ids.entry(n.clone()).or_insert(next);
                if id == next {
                    self.order.push(n.clone());
                }
                format!("#{id}")
            }
            // A length prefix of the config's width is the default one.
            Shape::Adapted(Adapter::Len(w), x)
                if w.size() == self.len_width && !matches!(w, Width::I16 | Width::I32) =>
            {
                self.shape(x)
            }
            Shape::Adapted(a, x) => format!("{}<{}>", adapter_key(*a), self.shape(x)),
        }
    }
}

/// FNV-1a, 64 bits: offset basis 0xcbf29ce484222325, prime 0x100000001b3.
pub(super) fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
