//! Writing: a spec as the document's tree, keys in their canonical order.

use super::tree::{J, adapter_key, obj, s};
use super::{FORMAT, VERSION, VERSION_PREAMBLE};
use crate::spec::trace::{Container, Fields, Shape};
use crate::spec::{Framing, Spec};

fn shape_json(shape: &Shape) -> J {
    match shape {
        Shape::Unknown => J::Null,
        Shape::Prim(p) => s_(p.name()),
        Shape::Char => s_("char"),
        Shape::Str => s_("str"),
        Shape::Bytes => s_("bytes"),
        Shape::Unit => s_("unit"),
        Shape::Option(x) => obj(vec![("option", shape_json(x))]),
        Shape::Seq(x) => obj(vec![("seq", shape_json(x))]),
        Shape::Map(k, v) => obj(vec![(
            "map",
            obj(vec![("key", shape_json(k)), ("value", shape_json(v))]),
        )]),
        Shape::Tuple(v) => obj(vec![("tuple", J::Arr(v.iter().map(shape_json).collect()))]),
        Shape::Named(n) => obj(vec![("type", s(n))]),
        Shape::Adapted(a, x) => obj(vec![("with", s(adapter_key(*a))), ("of", shape_json(x))]),
        Shape::Padded(n) => obj(vec![("padded", J::Num(*n as u64))]),
    }
}

fn s_(t: &str) -> J {
    s(t)
}

fn fields_json(f: &Fields, out: &mut Vec<(&str, J)>) {
    match f {
        Fields::Unit => out.push(("kind", s("unit"))),
        Fields::Newtype(x) => {
            out.push(("kind", s("newtype")));
            out.push(("type", shape_json(x)));
        }
        Fields::Tuple(v) => {
            out.push(("kind", s("tuple")));
            out.push(("fields", J::Arr(v.iter().map(shape_json).collect())));
        }
        Fields::Named(v) => {
            out.push(("kind", s("struct")));
            out.push((
                "fields",
                J::Arr(
                    v.iter()
                        .map(|(n, x)| obj(vec![("name", s(n)), ("type", shape_json(x))]))
                        .collect(),
                ),
            ));
        }
    }
}

fn container_json(c: &Container) -> J {
    match c {
        Container::Struct(f) => {
            let mut pairs = Vec::new();
            fields_json(f, &mut pairs);
            obj(pairs)
        }
        Container::Enum {
            tag_width,
            table,
            variants,
        } => obj(vec![
            ("kind", s("enum")),
            ("tag_width", J::Num(*tag_width as u64)),
            ("tag_table", J::Bool(*table)),
            (
                "variants",
                J::Arr(
                    variants
                        .iter()
                        .map(|v| {
                            let mut pairs = vec![("name", s(&v.name)), ("tag", J::Num(v.tag))];
                            match &v.fields {
                                Some(f) => fields_json(f, &mut pairs),
                                None => pairs.push(("kind", J::Null)),
                            }
                            obj(pairs)
                        })
                        .collect(),
                ),
            ),
        ]),
    }
}

fn framing_json(f: Framing) -> J {
    match f {
        Framing::SelfDelimited => obj(vec![("kind", s("self_delimited"))]),
        Framing::Datagram => obj(vec![("kind", s("datagram"))]),
        Framing::LengthPrefix {
            width,
            includes_header,
        } => obj(vec![
            ("kind", s("length_prefix")),
            ("width", J::Num(width.size() as u64)),
            ("includes_header", J::Bool(includes_header)),
        ]),
        Framing::AsciiDigits(d) => obj(vec![
            ("kind", s("ascii_digits")),
            ("digits", J::Num(d as u64)),
        ]),
    }
}

impl Spec {
    /// The document as a JSON tree, keys in their canonical order.
    pub(super) fn json_tree(&self) -> J {
        let version = if self.preamble.is_some() {
            VERSION_PREAMBLE
        } else {
            VERSION
        };
        let mut doc = obj(vec![
            ("format", s(FORMAT)),
            ("version", J::Num(version)),
            ("protocol", s(&self.protocol)),
            (
                "config",
                obj(vec![
                    (
                        "length_width",
                        J::Num(self.config.length_width().size() as u64),
                    ),
                    ("tag_width", J::Num(self.config.tag_width().size() as u64)),
                    ("limit", J::Num(self.config.limit() as u64)),
                    ("depth", J::Num(self.config.depth() as u64)),
                ]),
            ),
            ("framing", framing_json(self.framing)),
            (
                "messages",
                J::Arr(self.messages.iter().map(|m| s(&m.name)).collect()),
            ),
            (
                "types",
                J::Obj(
                    self.reg
                        .containers
                        .iter()
                        .map(|(n, c)| (n.clone(), container_json(c)))
                        .collect(),
                ),
            ),
        ]);
        if let (Some(p), J::Obj(keys)) = (&self.preamble, &mut doc) {
            // After `framing`: what comes first on the stream.
            keys.insert(5, ("preamble".to_string(), s(p)));
        }
        doc
    }
}
