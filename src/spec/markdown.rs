//! The Markdown wire specification.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::trace::{Container, Fields, Prim, Registry, Shape, adapter_name};
use super::{Framing, Spec};
use crate::with::Adapter;

/// The fixed number of bytes of `s`, if it has one.
pub(crate) fn fixed_size(s: &Shape, reg: &Registry, seen: &mut BTreeSet<String>) -> Option<usize> {
    match s {
        Shape::Prim(p) => Some(p.size()),
        Shape::Unit => Some(0),
        Shape::Tuple(v) => v.iter().map(|s| fixed_size(s, reg, seen)).sum(),
        Shape::Padded(n) => Some(*n),
        Shape::Named(n) => {
            if !seen.insert(n.clone()) {
                return None;
            }
            let size = match reg.containers.get(n)? {
                Container::Struct(f) => f
                    .shapes()
                    .into_iter()
                    .map(|s| fixed_size(s, reg, seen))
                    .sum(),
                Container::Enum {
                    tag_width,
                    variants,
                    ..
                } => {
                    let sizes: Option<Vec<usize>> = variants
                        .iter()
                        .map(|v| {
                            v.fields
                                .as_ref()?
                                .shapes()
                                .into_iter()
                                .map(|s| fixed_size(s, reg, seen))
                                .sum::<Option<usize>>()
                        })
                        .collect();
                    let sizes = sizes?;
                    match sizes.first() {
                        Some(&first) if sizes.iter().all(|&s| s == first) => {
                            Some(tag_width + first)
                        }
                        _ => None,
                    }
                }
            };
            seen.remove(n);
            size
        }
        _ => None,
    }
}

/// The Rust-like type of `s`.
pub(crate) fn rust_type(s: &Shape) -> String {
    match s {
        Shape::Unknown => "?".into(),
        Shape::Prim(p) => p.name().into(),
        Shape::Char => "char".into(),
        Shape::Str => "String".into(),
        Shape::Bytes => "bytes".into(),
        Shape::Unit => "()".into(),
        Shape::Option(i) => format!("Option<{}>", rust_type(i)),
        Shape::Seq(e) => format!("Vec<{}>", rust_type(e)),
        Shape::Map(k, v) => format!("Map<{}, {}>", rust_type(k), rust_type(v)),
        Shape::Tuple(v) if !v.is_empty() && v.iter().all(|x| x == &v[0]) => {
            format!("[{}; {}]", rust_type(&v[0]), v.len())
        }
        Shape::Tuple(v) => {
            let parts: Vec<_> = v.iter().map(rust_type).collect();
            format!("({})", parts.join(", "))
        }
        Shape::Named(n) => n.clone(),
        Shape::Adapted(_, i) => rust_type(i),
        Shape::Padded(n) => format!("Padded<{n}>"),
    }
}

fn prefix(n: usize) -> String {
    format!("{n}-byte big-endian")
}

/// How `s` is written, in words; `len` is the width of its length prefix.
fn bytes_of(s: &Shape, len: usize) -> String {
    match s {
        Shape::Unknown => "?".into(),
        Shape::Prim(Prim::Bool) => "1: `00` false, `01` true".into(),
        Shape::Prim(Prim::U8 | Prim::I8) => "1".into(),
        Shape::Prim(p @ (Prim::F32 | Prim::F64)) => format!("{}, IEEE-754 big-endian", p.size()),
        Shape::Prim(p) if p.signed() => format!("{}, big-endian two's complement", p.size()),
        Shape::Prim(p) => format!("{}, big-endian", p.size()),
        Shape::Char => "1–4: UTF-8".into(),
        Shape::Str => format!("length ({}), then that many bytes of UTF-8", prefix(len)),
        Shape::Bytes => format!("length ({}), then that many bytes", prefix(len)),
        Shape::Unit => "0".into(),
        Shape::Option(i) => format!("`00` for none, or `01` then: {}", bytes_of(i, len)),
        Shape::Seq(e) => format!(
            "count ({}), then each element: {}",
            prefix(len),
            bytes_of(e, len)
        ),
        Shape::Map(k, v) => format!(
            "count ({}), then per entry the key: {}; the value: {}",
            prefix(len),
            bytes_of(k, len),
            bytes_of(v, len)
        ),
        Shape::Tuple(v) if !v.is_empty() && v.iter().all(|x| *x == Shape::Prim(Prim::U8)) => {
            format!("{}: the bytes in order", v.len())
        }
        Shape::Tuple(v) => {
            let parts: Vec<_> = v.iter().map(|s| bytes_of(s, len)).collect();
            format!("in order: {}", parts.join("; "))
        }
        Shape::Named(n) => format!("a `{n}` (see below)"),
        Shape::Padded(n) => format!("{n}: UTF-8 text, then `00` bytes to fill them"),
        Shape::Adapted(a, i) => {
            let name = adapter_name(*a);
            match (a, &**i) {
                (Adapter::Len(w), s) => format!("`{name}`: {}", bytes_of(s, w.size())),
                (Adapter::Nullable(w), Shape::Option(s)) => format!(
                    "`{name}`: length −1 (`{}`) for none; otherwise {}",
                    "ff ".repeat(w.size()).trim_end(),
                    bytes_of(s, w.size())
                ),
                (Adapter::CStr, _) => format!("`{name}`: the bytes, then `00` (no prefix)"),
                (Adapter::Rest, Shape::Seq(e)) => format!(
                    "`{name}`: elements to the end of the message, each: {}",
                    bytes_of(e, len)
                ),
                (Adapter::Rest, _) => format!("`{name}`: the bytes to the end of the message"),
                (Adapter::NulTerminated, Shape::Seq(e)) => format!(
                    "`{name}`: elements until a `00` byte where the next would start, each: {}",
                    bytes_of(e, len)
                ),
                (Adapter::EmptyAsNone, Shape::Option(s)) => format!(
                    "`{name}`: nothing for none (the message ends here), otherwise: {}",
                    bytes_of(s, len)
                ),
                _ => name,
            }
        }
    }
}

fn hexdump(b: &[u8]) -> String {
    let mut out = String::new();
    for (i, chunk) in b.chunks(16).enumerate() {
        let hex: Vec<_> = chunk.iter().map(|x| format!("{x:02x}")).collect();
        let _ = writeln!(out, "{:04x}  {}", i * 16, hex.join(" "));
    }
    out
}

impl Spec {
    fn fields_table(&self, out: &mut String, fields: &Fields, start: Option<usize>) {
        let names: Vec<String> = match fields {
            Fields::Unit => Vec::new(),
            Fields::Newtype(_) => vec!["0".into()],
            Fields::Tuple(v) => (0..v.len()).map(|i| i.to_string()).collect(),
            Fields::Named(v) => v.iter().map(|(n, _)| n.clone()).collect(),
        };
        let shapes = fields.shapes();
        if shapes.is_empty() {
            out.push_str("No fields: nothing on the wire.\n\n");
            return;
        }
        let len = self.config.length_width().size();
        out.push_str("| # | field | type | offset | bytes |\n|---|---|---|---|---|\n");
        let mut offset = start;
        for (i, (n, s)) in names.iter().zip(shapes).enumerate() {
            let at = offset.map_or("—".to_string(), |o| o.to_string());
            let _ = writeln!(
                out,
                "| {} | `{n}` | `{}` | {at} | {} |",
                i + 1,
                rust_type(s),
                bytes_of(s, len).replace('|', "\\|")
            );
            offset = offset.and_then(|o| Some(o + fixed_size(s, &self.reg, &mut BTreeSet::new())?));
        }
        out.push('\n');
    }

    /// A Markdown wire specification: the framing, the format's
    /// conventions, one section per type with a table of its fields in
    /// order (type, offset where the layout before it is fixed, bytes:
    /// width, byte order, prefixes, tags, adapters), and the examples
    /// given with [`Spec::example`] byte by byte.
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Serialize, serde::Deserialize)]
    /// struct Hello { version: u8, port: u16 }
    ///
    /// let md = Spec::new("p", Config::new(), Framing::SelfDelimited)
    ///     .message::<Hello>()?
    ///     .example(&Hello { version: 1, port: 80 })?
    ///     .markdown();
    /// assert!(md.contains("| 2 | `port` | `u16` | 1 | 2, big-endian |"));
    /// assert!(md.contains("0000  01 00 50"));
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# The `{}` protocol\n", self.protocol);
        for line in self.header().lines() {
            let _ = writeln!(out, "> {line}  ");
        }
        out.push_str("\n## Conventions\n\n");
        let _ = writeln!(
            out,
            "- Numbers are fixed-width and big-endian (network byte order); signed \
             numbers are two's complement; floats are their IEEE-754 bits.\n\
             - Fields follow each other in the order listed, with no padding, names or type information.\n\
             - A length prefix (strings, bytes) or count (sequences, maps) is an unsigned \
             {}-byte big-endian number unless an adapter says otherwise.\n\
             - An enum starts with its tag ({} bytes, the variant index, unless the enum's table says otherwise).\n\
             - One message occupies at most {} bytes and nests at most {} compound values; \
             sequence and map counts of one message add up to at most {}.\n",
            self.config.length_width().size(),
            self.config.tag_width().size(),
            self.config.limit(),
            self.config.depth(),
            self.config.limit(),
        );
        let _ = writeln!(out, "## Framing\n\n{}.", self.framing);
        match self.framing {
            Framing::SelfDelimited => out.push_str(
                "\nEach message follows the previous one directly; a reader finds its end by decoding it.\n",
            ),
            Framing::LengthPrefix { includes_header, .. } => {
                let _ = writeln!(
                    out,
                    "\nThe length counts the payload{}; the payload is one message.",
                    if includes_header { " and the length itself" } else { "" }
                );
            }
            Framing::AsciiDigits(_) => out.push_str("\nThe payload is one message.\n"),
            Framing::Datagram => {
                out.push_str("\nA datagram holds exactly one message; its end is the message's end.\n")
            }
        }
        if let Some(p) = &self.preamble {
            let _ = writeln!(
                out,
                "\n## Preamble\n\nEach direction of a stream starts with one `{p}` (described below), \
                 unframed: its end is found by decoding it, and the framed messages follow it directly. \
                 It is sent and read once, before the first message."
            );
        }
        let names = self.message_names();
        let _ = writeln!(
            out,
            "\nMessage types: {}.\n",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for (name, c) in &self.reg.containers {
            let size = fixed_size(&Shape::Named(name.clone()), &self.reg, &mut BTreeSet::new());
            let size = size.map_or("variable size".to_string(), |s| format!("always {s} bytes"));
            match c {
                Container::Struct(fields) => {
                    let _ = writeln!(out, "## `{name}`\n\nA struct, {size}.\n");
                    self.fields_table(&mut out, fields, Some(0));
                }
                Container::Enum {
                    tag_width,
                    table,
                    variants,
                } => {
                    let _ = writeln!(
                        out,
                        "## `{name}`\n\nAn enum, {size}: a {tag_width}-byte big-endian tag ({}), then the variant's fields.\n",
                        if *table {
                            "from the config's tag table"
                        } else {
                            "the variant index"
                        }
                    );
                    out.push_str("| tag | hex | variant |\n|---|---|---|\n");
                    for v in variants {
                        let _ = writeln!(
                            out,
                            "| {} | `{:0w$x}` | `{}` |",
                            v.tag,
                            v.tag,
                            v.name,
                            w = tag_width * 2
                        );
                    }
                    out.push('\n');
                    for v in variants {
                        let _ = writeln!(out, "### `{name}::{}` (tag {})\n", v.name, v.tag);
                        self.fields_table(
                            &mut out,
                            v.fields.as_ref().unwrap_or(&Fields::Unit),
                            Some(*tag_width),
                        );
                    }
                }
            }
        }
        if self.messages.iter().any(|m| !m.examples.is_empty()) {
            out.push_str("## Examples\n\n");
        }
        for m in &self.messages {
            for ex in &m.examples {
                let _ = writeln!(
                    out,
                    "A `{}` message, {} bytes:\n\n```text\n{}```\n",
                    m.name,
                    ex.len(),
                    hexdump(ex)
                );
                let framed = match self.framing {
                    Framing::SelfDelimited | Framing::Datagram => None,
                    Framing::LengthPrefix {
                        width,
                        includes_header,
                    } => {
                        let n = ex.len() as u64
                            + if includes_header {
                                width.size() as u64
                            } else {
                                0
                            };
                        let mut f = n.to_be_bytes()[8 - width.size()..].to_vec();
                        f.extend_from_slice(ex);
                        Some(f)
                    }
                    Framing::AsciiDigits(d) => {
                        let mut f = format!("{:0d$}", ex.len()).into_bytes();
                        f.extend_from_slice(ex);
                        Some(f)
                    }
                };
                if let Some(f) = framed {
                    let _ = writeln!(out, "Framed:\n\n```text\n{}```\n", hexdump(&f));
                }
            }
        }
        out
    }
}
