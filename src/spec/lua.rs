//! The Wireshark Lua dissector.

use std::fmt::Write as _;

use super::names::{self, Scope, lua_str};
use super::trace::{Container, Fields, Prim, Shape};
use super::{Framing, Spec};
use crate::with::{Adapter, Width};

const RUNTIME: &str = include_str!("dissector.lua");

/// The ProtoFields of a dissector, one per leaf position.
struct Fields_ {
    decls: Vec<String>,
    /// The config's length width: strings, sequences and maps nested
    /// anywhere have it unless an adapter says otherwise.
    len_w: usize,
}

impl Fields_ {
    fn add(&mut self, kind: &str, abbrev: &str, label: &str) -> String {
        let n = self.decls.len() + 1;
        // Wireshark refuses an empty label.
        let label = if label.is_empty() { abbrev } else { label };
        let decl = match kind {
            "bool" => format!("ProtoField.bool({}, {})", lua_str(abbrev), lua_str(label)),
            "string" | "bytes" | "float" | "double" => {
                format!("ProtoField.{kind}({}, {})", lua_str(abbrev), lua_str(label))
            }
            k => format!(
                "ProtoField.{k}({}, {}, base.DEC)",
                lua_str(abbrev),
                lua_str(label)
            ),
        };
        self.decls.push(format!("F[{n}] = {decl}"));
        format!("F[{n}]")
    }

    /// The Lua node of `s` at the field path `path` labelled `label`.
    fn node(&mut self, s: &Shape, path: &str, label: &str, len_w: usize) -> String {
        let l = lua_str(label);
        match s {
            Shape::Padded(n) => format!(
                "{{k=\"padded\", n={n}, f={}}}",
                self.add("string", path, label)
            ),
            Shape::Prim(p) => {
                let (kind, k) = match p {
                    Prim::Bool => ("bool", "b"),
                    Prim::F32 => ("float", "f"),
                    Prim::F64 => ("double", "f"),
                    Prim::U128 | Prim::I128 => ("bytes", "wide"),
                    Prim::I8 | Prim::I16 | Prim::I32 | Prim::I64 => ("", "n"),
                    _ => ("", "n"),
                };
                let kind = if kind.is_empty() {
                    format!("{}int{}", if p.signed() { "" } else { "u" }, p.size() * 8)
                } else {
                    kind.to_string()
                };
                let f = self.add(&kind, path, label);
                format!("{{k=\"{k}\", n={}, f={f}}}", p.size())
            }
            Shape::Char => format!("{{k=\"char\", f={}}}", self.add("string", path, label)),
            Shape::Unit => "{k=\"unit\"}".into(),
            Shape::Str => format!(
                "{{k=\"str\", w={len_w}, f={}}}",
                self.add("string", path, label)
            ),
            Shape::Bytes => format!(
                "{{k=\"bytes\", w={len_w}, f={}}}",
                self.add("bytes", path, label)
            ),
            Shape::Seq(e) if **e == Shape::Prim(Prim::U8) => {
                format!(
                    "{{k=\"bytes\", seq=true, w={len_w}, f={}}}",
                    self.add("bytes", path, label)
                )
            }
            Shape::Tuple(v) if !v.is_empty() && v.iter().all(|x| *x == Shape::Prim(Prim::U8)) => {
                format!(
                    "{{k=\"raw\", n={}, f={}}}",
                    v.len(),
                    self.add("bytes", path, label)
                )
            }
            Shape::Option(i) => format!(
                "{{k=\"opt\", label={l}, inner={}}}",
                self.node(i, path, label, self.len_w)
            ),
            Shape::Seq(e) => format!(
                "{{k=\"seq\", w={len_w}, label={l}, inner={}}}",
                self.node(e, path, label, self.len_w)
            ),
            Shape::Map(a, b) => format!(
                "{{k=\"map\", w={len_w}, label={l}, key={}, value={}}}",
                self.node(a, &format!("{path}.key"), "key", self.len_w),
                self.node(b, &format!("{path}.value"), "value", self.len_w)
            ),
            Shape::Tuple(v) => {
                let parts: Vec<_> = v
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        self.node(
                            s,
                            &format!("{path}.{i}"),
                            &format!("{label}.{i}"),
                            self.len_w,
                        )
                    })
                    .collect();
                format!("{{k=\"tuple\", label={l}, items={{{}}}}}", parts.join(", "))
            }
            Shape::Named(n) => format!("{{k=\"ref\", name={}, label={l}}}", lua_str(n)),
            Shape::Adapted(a, i) => {
                let signed = |w: &Width| matches!(w, Width::I16 | Width::I32);
                match (a, &**i) {
                    (Adapter::Len(w), s) => {
                        let inner = self.node(s, path, label, w.size());
                        if signed(w) {
                            inner.replacen('{', "{signed=true, ", 1)
                        } else {
                            inner
                        }
                    }
                    (Adapter::Nullable(w), Shape::Option(s)) => {
                        let inner = self.node(s, path, label, w.size());
                        inner.replacen('{', "{nullable=true, signed=true, ", 1)
                    }
                    (Adapter::CStr, s) => {
                        let kind = if *s == Shape::Str { "string" } else { "bytes" };
                        format!(
                            "{{k=\"cstr\", text={}, f={}}}",
                            *s == Shape::Str,
                            self.add(kind, path, label)
                        )
                    }
                    (Adapter::Rest, Shape::Seq(e)) if **e != Shape::Prim(Prim::U8) => {
                        format!(
                            "{{k=\"open\", label={l}, inner={}}}",
                            self.node(e, path, label, self.len_w)
                        )
                    }
                    (Adapter::Rest, _) => {
                        format!("{{k=\"rest\", f={}}}", self.add("bytes", path, label))
                    }
                    (Adapter::NulTerminated, Shape::Seq(e)) => format!(
                        "{{k=\"open\", nul=true, label={l}, inner={}}}",
                        self.node(e, path, label, self.len_w)
                    ),
                    (Adapter::EmptyAsNone, Shape::Option(s)) => {
                        format!(
                            "{{k=\"emptynone\", inner={}}}",
                            self.node(s, path, label, self.len_w)
                        )
                    }
                    _ => "{k=\"unit\"}".into(),
                }
            }
            Shape::Unknown => "{k=\"unit\"}".into(),
        }
    }
}

impl Spec {
    /// A Wireshark dissector in Lua for the protocol on TCP port `port`
    /// (`tshark -X lua_script:file.lua`, or the plugins directory). It
    /// reassembles messages across segments (`dissect_tcp_pdus` for a
    /// length or ASCII header, `desegment_len` for self-delimited
    /// messages) and shows every field by name, with filterable fields
    /// `nw_<protocol>.<type>[.<variant>].<field>` (lowercase; the `nw_` keeps
    /// clear of Wireshark's own protocols) and enum tags
    /// `nw_<protocol>.<type>.tag` with the variants' names. A datagram
    /// framing registers the dissector on UDP port `port`.
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Point { x: i32, y: i32 }
    ///
    /// let lua = Spec::new("geo", Config::new(), Framing::length_prefix_u32())
    ///     .message::<Point>()?
    ///     .wireshark_lua(9000);
    /// assert!(lua.contains("ProtoField.int32(\"nw_geo.point.x\", \"x\", base.DEC)"));
    /// assert!(lua.contains("DissectorTable.get(\"tcp.port\"):add(9000, proto)"));
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    pub fn wireshark_lua(&self, port: u16) -> String {
        // Prefixed: Wireshark's own protocols (tftp, ntp, kafka...) keep
        // their names.
        let p = format!("nw_{}", names::ident(&self.protocol, names::WIRESHARK));
        let mut types = Scope::new(names::WIRESHARK, &[]);
        let len_w = self.config.length_width().size();
        let mut f = Fields_ {
            decls: Vec::new(),
            len_w,
        };
        let mut type_table = String::new();
        for (name, c) in &self.reg.containers {
            let base = format!("{p}.{}", types.take(name, &[]));
            match c {
                Container::Struct(fields) => {
                    let items = fields_nodes(&mut f, fields, &base, len_w);
                    let _ = writeln!(
                        type_table,
                        "T[{}] = {{k=\"struct\", unit={}, items={{{items}}}}}",
                        lua_str(name),
                        matches!(fields, Fields::Unit)
                    );
                }
                Container::Enum {
                    tag_width,
                    variants,
                    ..
                } => {
                    let names: Vec<_> = variants
                        .iter()
                        .map(|v| format!("[{}] = {}", v.tag, lua_str(&v.name)))
                        .collect();
                    let n = f.decls.len() + 1;
                    f.decls.push(format!(
                        "F[{n}] = ProtoField.uint{}({}, {}, base.DEC, {{{}}})",
                        tag_width * 8,
                        lua_str(&format!("{base}.tag")),
                        lua_str(&format!("{name} tag")),
                        names.join(", ")
                    ));
                    let mut vs = Vec::new();
                    let mut variant_names = Scope::new(names::WIRESHARK, &["tag"]);
                    for v in variants {
                        let fields = v.fields.as_ref().unwrap_or(&Fields::Unit);
                        let items = fields_nodes(
                            &mut f,
                            fields,
                            &format!("{base}.{}", variant_names.take(&v.name, &[])),
                            len_w,
                        );
                        vs.push(format!(
                            "[{}] = {{name={}, unit={}, items={{{items}}}}}",
                            v.tag,
                            lua_str(&v.name),
                            matches!(fields, Fields::Unit)
                        ));
                    }
                    let _ = writeln!(
                        type_table,
                        "T[{}] = {{k=\"enum\", w={tag_width}, tag=F[{n}], variants={{{}}}}}",
                        lua_str(name),
                        vs.join(", ")
                    );
                }
            }
        }
        let mut out = String::new();
        for line in self.header().lines() {
            let _ = writeln!(out, "-- {line}");
        }
        let first = self
            .message_names()
            .first()
            .map(|s| s.to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\nlocal proto = Proto({}, {})",
            lua_str(&p),
            lua_str(&format!("{} (netwire)", self.protocol))
        );
        out.push_str("local F = {}\n");
        for d in &f.decls {
            out.push_str(d);
            out.push('\n');
        }
        out.push_str("proto.fields = F\n\nlocal T = {}\n");
        out.push_str(&type_table);
        let _ = writeln!(
            out,
            "local MESSAGE = {{k=\"ref\", name={}, label={}}}\nlocal LIMIT = {}\nlocal DEPTH = {}\nlocal TITLE = {}\n",
            lua_str(&first),
            lua_str(&first),
            self.config.limit(),
            self.config.depth(),
            lua_str(&self.protocol)
        );
        if let Some(pre) = &self.preamble {
            let _ = writeln!(
                out,
                "local PREAMBLE = {{k=\"ref\", name={}, label={}}}\n",
                lua_str(pre),
                lua_str(pre)
            );
        }
        out.push_str(RUNTIME);
        let mut framed = String::new();
        {
            let out = &mut framed;
            match self.framing {
            Framing::SelfDelimited => out.push_str(
                "\nfunction proto.dissector(tvb, pinfo, tree)\n    local off = 0\n    while off < tvb:len() do\n\
                 \x20       local ok, stop = pcall(measure, tvb, off)\n        if not ok then\n\
                 \x20           if type(stop) == \"table\" and stop.kind == \"UnexpectedEnd\" then\n\
                 \x20               pinfo.desegment_offset = off\n                pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT\n                return tvb:len()\n            end\n\
                 \x20           show(tvb, off, tvb:len(), pinfo, tree, false)\n            return tvb:len()\n        end\n\
                 \x20       show(tvb, off, stop, pinfo, tree, true)\n        off = stop\n    end\n    return off\nend\n",
            ),
            Framing::LengthPrefix {
                width,
                includes_header,
            } => {
                let w = width.size();
                let read = if w == 8 {
                    "tvb:range(off, 8):uint64():tonumber()".to_string()
                } else {
                    format!("tvb:range(off, {w}):uint()")
                };
                let adj = if includes_header { w } else { 0 };
                let _ = write!(
                    out,
                    "\nlocal function announced(tvb, off)\n    return {read} - {adj}\nend\n\n\
                     local function pdu_len(tvb, pinfo, off)\n    local n = announced(tvb, off)\n\
                     \x20   if n < 0 or n > LIMIT then return tvb:len() - off end\n    return {w} + n\nend\n\n\
                     local function pdu(tvb, pinfo, tree)\n    local n = announced(tvb, 0)\n\
                     \x20   if n < 0 or n > LIMIT then bad_frame(tvb, pinfo, tree, \"LengthOverLimit\") return tvb:len() end\n\
                     \x20   show(tvb, {w}, tvb:len(), pinfo, tree, true)\n    return tvb:len()\nend\n\n\
                     function proto.dissector(tvb, pinfo, tree)\n    dissect_tcp_pdus(tvb, tree, {w}, pdu_len, pdu)\n    return tvb:len()\nend\n"
                );
            }
            Framing::Datagram => out.push_str(
                "\nfunction proto.dissector(tvb, pinfo, tree)\n    show(tvb, 0, tvb:len(), pinfo, tree, true)\n    return tvb:len()\nend\n",
            ),
            Framing::AsciiDigits(d) => {
                let _ = write!(
                    out,
                    "\nlocal function announced(tvb, off)\n    local s = tvb:range(off, {d}):string()\n\
                     \x20   if not s:match(\"^%d+$\") then return nil end\n    return tonumber(s)\nend\n\n\
                     local function pdu_len(tvb, pinfo, off)\n    local n = announced(tvb, off)\n\
                     \x20   if n == nil or n > LIMIT then return tvb:len() - off end\n    return {d} + n\nend\n\n\
                     local function pdu(tvb, pinfo, tree)\n    local n = announced(tvb, 0)\n\
                     \x20   if n == nil then bad_frame(tvb, pinfo, tree, \"InvalidNumber\") return tvb:len() end\n\
                     \x20   if n > LIMIT then bad_frame(tvb, pinfo, tree, \"LengthOverLimit\") return tvb:len() end\n\
                     \x20   show(tvb, {d}, tvb:len(), pinfo, tree, true)\n    return tvb:len()\nend\n\n\
                     function proto.dissector(tvb, pinfo, tree)\n    dissect_tcp_pdus(tvb, tree, {d}, pdu_len, pdu)\n    return tvb:len()\nend\n"
                );
            }
        }
        }
        if self.preamble.is_some() {
            out.push_str(&preamble_dissector(&framed, self.framing));
        } else {
            out.push_str(&framed);
        }
        let table = if self.framing == Framing::Datagram {
            "udp.port"
        } else {
            "tcp.port"
        };
        let _ = writeln!(out, "\nDissectorTable.get(\"{table}\"):add({port}, proto)");
        out
    }
}

/// The dissector of a stream that starts with a preamble: `framed` (the
/// framing's dissector) turned into `messages(tvb, pinfo, tree, off)`,
/// and a `proto.dissector` that shows the preamble at the start of each
/// direction of each TCP stream, then the messages after it.
fn preamble_dissector(framed: &str, framing: Framing) -> String {
    let head = match framing {
        Framing::LengthPrefix { width, .. } => width.size(),
        Framing::AsciiDigits(d) => d,
        Framing::SelfDelimited | Framing::Datagram => 0,
    };
    let mut out = if head == 0 {
        // The self-delimited loop, from `off` instead of 0.
        framed.replace(
            "function proto.dissector(tvb, pinfo, tree)\n    local off = 0\n",
            "local function messages(tvb, pinfo, tree, off)\n",
        )
    } else {
        // The frames by hand: `dissect_tcp_pdus` reads from the start of
        // the tvb, which here holds the preamble first.
        let cut = framed
            .find("function proto.dissector")
            .unwrap_or(framed.len());
        format!(
            "{}local function messages(tvb, pinfo, tree, off)\n    while off < tvb:len() do\n\
             \x20       local left = tvb:len() - off\n\
             \x20       if left < {head} then\n            pinfo.desegment_offset = off\n\
             \x20           pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT\n            return tvb:len()\n        end\n\
             \x20       local n = pdu_len(tvb, pinfo, off)\n        if left < n then\n\
             \x20           pinfo.desegment_offset = off\n            pinfo.desegment_len = n - left\n            return tvb:len()\n        end\n\
             \x20       pdu(tvb:range(off, n):tvb(), pinfo, tree)\n        off = off + n\n    end\n    return off\nend\n",
            &framed[..cut]
        )
    };
    out.push_str(
        "\n-- The preamble: the first bytes of each direction of a TCP stream. A\n\
         -- capture that starts after them cannot be followed (the first bytes\n\
         -- seen are read as the preamble and flagged). Retransmitted segments\n\
         -- are shown once; segments out of order need Wireshark's TCP\n\
         -- preference \"Reassemble out-of-order segments\"\n\
         -- (-o tcp.reassemble_out_of_order:TRUE), off by default in 4.0.\n\
         local tcp_stream = Field.new(\"tcp.stream\")\n\
         -- Per direction: the frame where the preamble ended.\nlocal PREAMBLE_AT = {}\n\n\
         function proto.init()\n    PREAMBLE_AT = {}\nend\n\n\
         local function direction(pinfo)\n    local s = tcp_stream()\n\
         \x20   return tostring(s and s.value) .. \" \" .. tostring(pinfo.src) .. \" \" .. tostring(pinfo.src_port)\nend\n\n\
         function proto.dissector(tvb, pinfo, tree)\n    local key = direction(pinfo)\n    local at = PREAMBLE_AT[key]\n\
         \x20   if at and pinfo.number > at then return messages(tvb, pinfo, tree, 0) end\n\
         \x20   if at and pinfo.number < at then return tvb:len() end\n\
         \x20   local ok, stop = pcall(measure, tvb, 0, PREAMBLE)\n    if not ok then\n\
         \x20       if not at and type(stop) == \"table\" and stop.kind == \"UnexpectedEnd\" then\n\
         \x20           pinfo.desegment_offset = 0\n            pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT\n            return tvb:len()\n        end\n\
         \x20       PREAMBLE_AT[key] = pinfo.number\n        show(tvb, 0, tvb:len(), pinfo, tree, false, PREAMBLE, \"preamble\")\n        return tvb:len()\n    end\n\
         \x20   PREAMBLE_AT[key] = pinfo.number\n    show(tvb, 0, stop, pinfo, tree, true, PREAMBLE, \"preamble\")\n\
         \x20   return messages(tvb, pinfo, tree, stop)\nend\n",
    );
    out
}

fn fields_nodes(f: &mut Fields_, fields: &Fields, base: &str, len_w: usize) -> String {
    let names: Vec<String> = match fields {
        Fields::Unit => Vec::new(),
        Fields::Newtype(_) => vec!["0".into()],
        Fields::Tuple(v) => (0..v.len()).map(|i| i.to_string()).collect(),
        Fields::Named(v) => v.iter().map(|(n, _)| n.clone()).collect(),
    };
    let mut scope = Scope::new(names::WIRESHARK, &[]);
    let nodes: Vec<_> = names
        .iter()
        .zip(fields.shapes())
        .map(|(n, s)| {
            let abbrev = format!("{base}.{}", scope.take(n, &[]));
            f.node(s, &abbrev, n, len_w)
        })
        .collect();
    nodes.join(", ")
}
