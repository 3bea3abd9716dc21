//! The C99 header.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::Spec;
use super::markdown::fixed_size;
use super::trace::{Container, Fields, Prim, Registry, Shape};
use crate::with::{Adapter, Width};

const KEYWORDS: &[&str] = &[
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "bool", "true", "false",
];

fn cident(name: &str) -> String {
    let s = super::python::ident(name);
    if KEYWORDS.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

fn field_names(fields: &Fields) -> Vec<String> {
    match fields {
        Fields::Unit => Vec::new(),
        Fields::Newtype(_) => vec!["value".into()],
        Fields::Tuple(v) => (0..v.len()).map(|i| format!("_{i}")).collect(),
        Fields::Named(v) => v.iter().map(|(n, _)| cident(n)).collect(),
    }
}

fn prim_c(p: Prim) -> Option<&'static str> {
    Some(match p {
        Prim::Bool => "bool",
        Prim::U8 => "uint8_t",
        Prim::U16 => "uint16_t",
        Prim::U32 => "uint32_t",
        Prim::U64 => "uint64_t",
        Prim::I8 => "int8_t",
        Prim::I16 => "int16_t",
        Prim::I32 => "int32_t",
        Prim::I64 => "int64_t",
        Prim::F32 => "float",
        Prim::F64 => "double",
        Prim::U128 | Prim::I128 => return None,
    })
}

/// The generator's state: which named types have C code, and why the
/// others do not.
struct Gen<'a> {
    p: String,
    reg: &'a Registry,
    len_width: usize,
    ok: BTreeMap<String, bool>,
    why: BTreeMap<String, String>,
    tmp: usize,
}

impl Gen<'_> {
    fn fixed(&self, s: &Shape) -> Option<usize> {
        fixed_size(s, self.reg, &mut BTreeSet::new())
    }

    /// Whether `s` has a C form; `Err` says why not.
    fn supported(&mut self, s: &Shape, stack: &mut Vec<String>) -> Result<(), String> {
        match s {
            Shape::Prim(p) => prim_c(*p)
                .map(|_| ())
                .ok_or_else(|| "128-bit integers".into()),
            Shape::Unit => Ok(()),
            Shape::Char => Err("a char (1–4 UTF-8 bytes)".into()),
            Shape::Str | Shape::Bytes => Ok(()),
            Shape::Option(i) => self.supported(i, stack),
            Shape::Seq(e) => self.seq_elem(e, stack),
            Shape::Map(..) => Err("a map".into()),
            Shape::Tuple(v) => v.iter().try_for_each(|s| self.supported(s, stack)),
            Shape::Named(n) => {
                if stack.contains(n) {
                    return Err(format!("a recursion through `{n}`"));
                }
                if let Some(&ok) = self.ok.get(n) {
                    return if ok { Ok(()) } else { Err(format!("a `{n}`")) };
                }
                stack.push(n.clone());
                let r = self.container(n, stack);
                stack.pop();
                self.ok.insert(n.clone(), r.is_ok());
                if let Err(e) = &r {
                    self.why.insert(n.clone(), e.clone());
                }
                r.map_err(|_| format!("a `{n}`"))
            }
            Shape::Adapted(a, i) => match (a, &**i) {
                (Adapter::Len(_) | Adapter::CStr, Shape::Str | Shape::Bytes) => Ok(()),
                (Adapter::Len(_), Shape::Seq(e)) => self.seq_elem(e, stack),
                (Adapter::Rest, Shape::Bytes) => Ok(()),
                (Adapter::Rest, Shape::Seq(e)) => self.seq_elem(e, stack),
                _ => Err(format!("`{}`", super::trace::adapter_name(*a))),
            },
            Shape::Unknown => Err("an untraced part".into()),
        }
    }

    fn seq_elem(&mut self, e: &Shape, stack: &mut Vec<String>) -> Result<(), String> {
        self.supported(e, stack)?;
        match self.fixed(e) {
            Some(n) if n > 0 => Ok(()),
            _ => Err("a sequence of elements of variable size".into()),
        }
    }

    fn container(&mut self, n: &str, stack: &mut Vec<String>) -> Result<(), String> {
        let reg = self.reg;
        match reg.containers.get(n) {
            Some(Container::Struct(f)) => f
                .shapes()
                .into_iter()
                .try_for_each(|s| self.supported(s, stack)),
            Some(Container::Enum { variants, .. }) => variants.iter().try_for_each(|v| {
                v.fields.as_ref().map_or(Ok(()), |f| {
                    f.shapes()
                        .into_iter()
                        .try_for_each(|s| self.supported(s, stack))
                })
            }),
            None => Err("unknown".into()),
        }
    }

    /// The C declaration of a member `name` of shape `s`.
    fn decl(&self, s: &Shape, name: &str) -> String {
        let p = &self.p;
        match s {
            Shape::Prim(x) => format!("{} {name};", prim_c(*x).unwrap_or("void")),
            Shape::Unit => format!("uint8_t {name}; /* unit: nothing on the wire */"),
            Shape::Str | Shape::Bytes | Shape::Seq(_) | Shape::Adapted(..) => {
                format!("{p}_view {name};")
            }
            Shape::Option(i) => format!(
                "struct {{ bool present; {} }} {name};",
                self.decl(i, "value")
            ),
            Shape::Tuple(v) if !v.is_empty() && v.iter().all(|x| x == &v[0]) => {
                let inner = self.decl(&v[0], "X");
                let (ty, rest) = inner.split_once(" X").unwrap_or((&inner, ";"));
                format!("{ty} {name}[{}]{rest}", v.len())
            }
            Shape::Tuple(v) if v.is_empty() => format!("uint8_t {name}; /* () */"),
            Shape::Tuple(v) => {
                let parts: Vec<_> = v
                    .iter()
                    .enumerate()
                    .map(|(i, s)| self.decl(s, &format!("_{i}")))
                    .collect();
                format!("struct {{ {} }} {name};", parts.join(" "))
            }
            Shape::Named(n) => format!("{p}_{} {name};", cident(n)),
            _ => format!("uint8_t {name};"),
        }
    }

    fn rd(&self, size: usize) -> String {
        format!("{}_rd{}", self.p, size * 8)
    }

    /// Decoding statements of `s` into the lvalue `lv`.
    fn dec(&mut self, s: &Shape, lv: &str, out: &mut String, ind: &str) {
        let p = self.p.clone();
        match s {
            Shape::Prim(Prim::Bool) => {
                let _ = writeln!(
                    out,
                    "{ind}if (len - p < 1) return {P}_ESHORT;\n{ind}if (in[p] > 1) return {P}_EINVAL;\n{ind}{lv} = in[p] == 1;\n{ind}p += 1;",
                    P = p.to_uppercase()
                );
            }
            Shape::Prim(x @ (Prim::F32 | Prim::F64)) => {
                let n = x.size();
                let _ = writeln!(
                    out,
                    "{ind}if (len - p < {n}) return {P}_ESHORT;\n{ind}{{ uint{b}_t bits = {rd}(in + p); memcpy(&{lv}, &bits, {n}); }}\n{ind}p += {n};",
                    P = p.to_uppercase(),
                    b = n * 8,
                    rd = self.rd(n)
                );
            }
            Shape::Prim(x) => {
                let n = x.size();
                let _ = writeln!(
                    out,
                    "{ind}if (len - p < {n}) return {P}_ESHORT;\n{ind}{lv} = ({t}){rd}(in + p);\n{ind}p += {n};",
                    P = p.to_uppercase(),
                    t = prim_c(*x).unwrap_or("int"),
                    rd = self.rd(n)
                );
            }
            Shape::Unit => {
                let _ = writeln!(out, "{ind}{lv} = 0;");
            }
            Shape::Str | Shape::Bytes => {
                self.dec_bytes(Width::from_len(self.len_width), lv, out, ind)
            }
            Shape::Seq(e) => self.dec_seq(Some(Width::from_len(self.len_width)), e, lv, out, ind),
            Shape::Option(i) => {
                let _ = writeln!(
                    out,
                    "{ind}if (len - p < 1) return {P}_ESHORT;\n{ind}if (in[p] > 1) return {P}_EINVAL;\n{ind}{lv}.present = in[p++] == 1;\n{ind}if ({lv}.present) {{",
                    P = p.to_uppercase()
                );
                self.dec(i, &format!("{lv}.value"), out, &format!("{ind}    "));
                let _ = writeln!(out, "{ind}}}");
            }
            Shape::Tuple(v) if !v.is_empty() && v.iter().all(|x| x == &v[0]) => {
                self.tmp += 1;
                let i = format!("i{}", self.tmp);
                let _ = writeln!(
                    out,
                    "{ind}for (size_t {i} = 0; {i} < {}; {i}++) {{",
                    v.len()
                );
                self.dec(&v[0], &format!("{lv}[{i}]"), out, &format!("{ind}    "));
                let _ = writeln!(out, "{ind}}}");
            }
            Shape::Tuple(v) => {
                for (k, s) in v.iter().enumerate() {
                    self.dec(s, &format!("{lv}._{k}"), out, ind);
                }
            }
            Shape::Named(n) => {
                let _ = writeln!(
                    out,
                    "{ind}{{ long n = {p}_{}_decode(in + p, len - p, &{lv}); if (n < 0) return n; p += (size_t)n; }}",
                    cident(n)
                );
            }
            Shape::Adapted(a, i) => match (a, &**i) {
                (Adapter::Len(w), Shape::Seq(e)) => self.dec_seq(Some(*w), e, lv, out, ind),
                (Adapter::Len(w), _) => self.dec_bytes(*w, lv, out, ind),
                (Adapter::CStr, _) => {
                    let _ = writeln!(
                        out,
                        "{ind}{{ const uint8_t *z = len > p ? (const uint8_t *)memchr(in + p, 0, len - p) : NULL;\n{ind}  if (z == NULL) return {P}_ESHORT;\n{ind}  {lv}.ptr = in + p; {lv}.len = (size_t)(z - (in + p)); p += {lv}.len + 1; }}",
                        P = p.to_uppercase()
                    );
                }
                (Adapter::Rest, Shape::Seq(e)) => self.dec_seq(None, e, lv, out, ind),
                _ => {
                    let _ = writeln!(out, "{ind}{lv}.ptr = in + p; {lv}.len = len - p; p = len;");
                }
            },
            _ => {}
        }
    }

    fn dec_len(&self, w: Width, out: &mut String, ind: &str) {
        let p = self.p.to_uppercase();
        let n = w.size();
        let _ = writeln!(out, "{ind}if (len - p < {n}) return {p}_ESHORT;");
        match w {
            Width::I16 | Width::I32 => {
                let _ = writeln!(
                    out,
                    "{ind}count = {rd}(in + p);\n{ind}if (count >> {sign}) return {p}_EINVAL; /* negative */",
                    rd = self.rd(n),
                    sign = n * 8 - 1
                );
            }
            _ => {
                let _ = writeln!(out, "{ind}count = {}(in + p);", self.rd(n));
            }
        }
        let _ = writeln!(out, "{ind}p += {n};");
    }

    fn dec_bytes(&mut self, w: Width, lv: &str, out: &mut String, ind: &str) {
        let _ = writeln!(out, "{ind}{{ uint64_t count;");
        self.dec_len(w, out, &format!("{ind}  "));
        let _ = writeln!(
            out,
            "{ind}  if (count > len - p) return {}_ESHORT;\n{ind}  {lv}.ptr = in + p; {lv}.len = (size_t)count; p += (size_t)count; }}",
            self.p.to_uppercase()
        );
    }

    fn dec_seq(&mut self, w: Option<Width>, e: &Shape, lv: &str, out: &mut String, ind: &str) {
        let size = self.fixed(e).unwrap_or(1);
        let elem = self.decl(e, "elem");
        self.tmp += 1;
        let i = format!("i{}", self.tmp);
        let _ = writeln!(out, "{ind}{{ uint64_t count; {elem}");
        let inner = format!("{ind}  ");
        match w {
            Some(w) => self.dec_len(w, out, &inner),
            None => {
                let _ = writeln!(
                    out,
                    "{inner}if ((len - p) % {size} != 0) return {}_ESHORT;\n{inner}count = (len - p) / {size};",
                    self.p.to_uppercase()
                );
            }
        }
        let _ = writeln!(
            out,
            "{inner}if (count > (len - p) / {size}) return {}_ESHORT;\n{inner}{lv}.ptr = in + p; {lv}.len = (size_t)count;",
            self.p.to_uppercase()
        );
        let _ = writeln!(
            out,
            "{inner}for (uint64_t {i} = 0; {i} < count; {i}++) {{ /* checks each element */"
        );
        self.dec(e, "elem", out, &format!("{inner}    "));
        let _ = writeln!(out, "{inner}}}\n{inner}(void)elem;\n{ind}}}");
    }

    fn wr(&self, size: usize) -> String {
        format!("{}_wr{}", self.p, size * 8)
    }

    /// Encoding statements of the value `v` of shape `s`.
    fn enc(&mut self, s: &Shape, v: &str, out: &mut String, ind: &str) {
        let p = self.p.clone();
        let big = p.to_uppercase();
        match s {
            Shape::Prim(Prim::Bool) => {
                let _ = writeln!(
                    out,
                    "{ind}if (cap - p < 1) return {big}_ESHORT;\n{ind}out[p++] = {v} ? 1 : 0;"
                );
            }
            Shape::Prim(x @ (Prim::F32 | Prim::F64)) => {
                let n = x.size();
                let _ = writeln!(
                    out,
                    "{ind}if (cap - p < {n}) return {big}_ESHORT;\n{ind}{{ uint{b}_t bits; memcpy(&bits, &{v}, {n}); {wr}(out + p, bits); }}\n{ind}p += {n};",
                    b = n * 8,
                    wr = self.wr(n)
                );
            }
            Shape::Prim(x) => {
                let n = x.size();
                let _ = writeln!(
                    out,
                    "{ind}if (cap - p < {n}) return {big}_ESHORT;\n{ind}{wr}(out + p, (uint{b}_t){v});\n{ind}p += {n};",
                    b = n * 8,
                    wr = self.wr(n)
                );
            }
            Shape::Unit => {}
            Shape::Str | Shape::Bytes => {
                self.enc_bytes(Some(Width::from_len(self.len_width)), 1, v, out, ind)
            }
            Shape::Seq(e) => {
                let size = self.fixed(e).unwrap_or(1);
                self.enc_bytes(Some(Width::from_len(self.len_width)), size, v, out, ind)
            }
            Shape::Option(i) => {
                let _ = writeln!(
                    out,
                    "{ind}if (cap - p < 1) return {big}_ESHORT;\n{ind}out[p++] = {v}.present ? 1 : 0;\n{ind}if ({v}.present) {{"
                );
                self.enc(i, &format!("{v}.value"), out, &format!("{ind}    "));
                let _ = writeln!(out, "{ind}}}");
            }
            Shape::Tuple(x) if !x.is_empty() && x.iter().all(|y| y == &x[0]) => {
                self.tmp += 1;
                let i = format!("i{}", self.tmp);
                let _ = writeln!(
                    out,
                    "{ind}for (size_t {i} = 0; {i} < {}; {i}++) {{",
                    x.len()
                );
                self.enc(&x[0], &format!("{v}[{i}]"), out, &format!("{ind}    "));
                let _ = writeln!(out, "{ind}}}");
            }
            Shape::Tuple(x) => {
                for (k, s) in x.iter().enumerate() {
                    self.enc(s, &format!("{v}._{k}"), out, ind);
                }
            }
            Shape::Named(n) => {
                let _ = writeln!(
                    out,
                    "{ind}{{ long n = {p}_{}_encode(&{v}, out + p, cap - p); if (n < 0) return n; p += (size_t)n; }}",
                    cident(n)
                );
            }
            Shape::Adapted(a, i) => match (a, &**i) {
                (Adapter::Len(w), Shape::Seq(e)) => {
                    let size = self.fixed(e).unwrap_or(1);
                    self.enc_bytes(Some(*w), size, v, out, ind)
                }
                (Adapter::Len(w), _) => self.enc_bytes(Some(*w), 1, v, out, ind),
                (Adapter::CStr, _) => {
                    let _ = writeln!(
                        out,
                        "{ind}if ({v}.len > 0 && memchr({v}.ptr, 0, {v}.len) != NULL) return {big}_EINVAL;\n{ind}if (cap - p < {v}.len + 1) return {big}_ESHORT;\n{ind}if ({v}.len > 0) memcpy(out + p, {v}.ptr, {v}.len);\n{ind}p += {v}.len;\n{ind}out[p++] = 0;"
                    );
                }
                (Adapter::Rest, Shape::Seq(e)) => {
                    let size = self.fixed(e).unwrap_or(1);
                    self.enc_bytes(None, size, v, out, ind)
                }
                _ => self.enc_bytes(None, 1, v, out, ind),
            },
            _ => {}
        }
    }

    /// A length (unless `None`), then `v.len * size` bytes from `v.ptr`.
    fn enc_bytes(&mut self, w: Option<Width>, size: usize, v: &str, out: &mut String, ind: &str) {
        let big = self.p.to_uppercase();
        if let Some(w) = w {
            let n = w.size();
            let _ = writeln!(
                out,
                "{ind}if ((uint64_t){v}.len > UINT64_C({})) return {big}_EINVAL;\n{ind}if (cap - p < {n}) return {big}_ESHORT;\n{ind}{wr}(out + p, (uint{b}_t){v}.len);\n{ind}p += {n};",
                w.max(),
                wr = self.wr(n),
                b = n * 8
            );
        }
        let _ = writeln!(
            out,
            "{ind}if (({v}.len > 0 && {v}.ptr == NULL) || {v}.len > (cap - p) / {size}) return {big}_ESHORT;\n{ind}if ({v}.len > 0) memcpy(out + p, {v}.ptr, {v}.len * {size});\n{ind}p += {v}.len * {size};"
        );
    }
}

impl Width {
    fn from_len(n: usize) -> Width {
        match n {
            1 => Width::U8,
            2 => Width::U16,
            4 => Width::U32,
            _ => Width::U64,
        }
    }
}

impl Spec {
    /// A C99 header (one file, `static inline`, no allocation) with a
    /// struct, `<protocol>_<Type>_decode(in, len, &value)` and
    /// `<protocol>_<Type>_encode(&value, out, cap)` for every type it
    /// can describe: numbers up to 64 bits, bools, floats, tuples and
    /// arrays, structs, enums (a `tag` and a union of the variants'
    /// fields), options, and views (`ptr`, `len`) borrowing from the input
    /// for strings, byte strings and sequences of fixed-size elements (a
    /// sequence's view holds its elements' wire bytes; `len` counts
    /// elements). Numbers are assembled with explicit shifts. Decoders
    /// return the bytes used, encoders the bytes written, or a negative
    /// `<PROTOCOL>_ESHORT` (input or buffer too short) or
    /// `<PROTOCOL>_EINVAL` (a byte no value has). The types left out
    /// (128-bit numbers, `char`, maps, sequences of variable-size
    /// elements, recursion, the adapters `nullable_*`, `nul_terminated`,
    /// `empty_as_none`) are listed at the top with the reason. The C side
    /// checks neither the message limit nor the depth limit (its types
    /// have no recursion).
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Point { x: i32, y: i32 }
    ///
    /// let h = Spec::new("geo", Config::new(), Framing::SelfDelimited)
    ///     .message::<Point>()?
    ///     .c_header();
    /// assert!(h.contains("static inline long geo_Point_decode(const uint8_t *in, size_t len, geo_Point *out)"));
    /// assert!(h.contains("#define GEO_POINT_SIZE 8"));
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    pub fn c_header(&self) -> String {
        let p = self.protocol.clone();
        let big = p.to_uppercase();
        let mut g = Gen {
            p: p.clone(),
            reg: &self.reg,
            len_width: self.config.length_width().size(),
            ok: BTreeMap::new(),
            why: BTreeMap::new(),
            tmp: 0,
        };
        for n in self.reg.containers.keys() {
            let _ = g.supported(&Shape::Named(n.clone()), &mut Vec::new());
        }
        let mut out = String::from("/*\n");
        for line in self.header().lines() {
            let _ = writeln!(out, " * {line}");
        }
        out.push_str(" *\n * Decoders return the bytes used and encoders the bytes written, or a\n * negative error. Views borrow from the decoded buffer.\n");
        if g.why.is_empty() {
            out.push_str(" * Every type of the protocol is here.\n");
        } else {
            out.push_str(" *\n * Left out (no C form):\n");
            for (n, why) in &g.why {
                let _ = writeln!(out, " *   {n}: holds {why}");
            }
        }
        let _ = writeln!(
            out,
            " */\n#ifndef {big}_NETWIRE_H\n#define {big}_NETWIRE_H\n\n#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n"
        );
        let _ = writeln!(
            out,
            "#define {big}_ESHORT (-1L) /* input or output too short */\n#define {big}_EINVAL (-2L) /* a byte (bool, option, tag, length) no value has */\n#define {big}_LIMIT {}u /* the most bytes of one message */\n",
            self.config.limit()
        );
        let _ = writeln!(
            out,
            "#define {big}_FINGERPRINT UINT64_C(0x{:016x}) /* the layout's fingerprint (Spec::fingerprint) */\n",
            self.fingerprint()
        );
        let _ = writeln!(
            out,
            "/** Bytes borrowed from a buffer: a string, byte string or the elements of a sequence (`len` counts elements). */\ntypedef struct {{ const uint8_t *ptr; size_t len; }} {p}_view;\n"
        );
        for n in [16, 32, 64] {
            let bytes = n / 8;
            let rd: Vec<_> = (0..bytes)
                .map(|i| format!("(uint{n}_t)b[{i}] << {}", 8 * (bytes - 1 - i)))
                .collect();
            let _ = writeln!(
                out,
                "static inline uint{n}_t {p}_rd{n}(const uint8_t *b) {{ return {}; }}",
                rd.join(" | ")
            );
            let wr: Vec<_> = (0..bytes)
                .map(|i| format!("b[{i}] = (uint8_t)(v >> {});", 8 * (bytes - 1 - i)))
                .collect();
            let _ = writeln!(
                out,
                "static inline void {p}_wr{n}(uint8_t *b, uint{n}_t v) {{ {} }}",
                wr.join(" ")
            );
        }
        let _ = writeln!(
            out,
            "static inline uint8_t {p}_rd8(const uint8_t *b) {{ return b[0]; }}\nstatic inline void {p}_wr8(uint8_t *b, uint8_t v) {{ b[0] = v; }}\n"
        );
        // Types in dependency order.
        let mut order = Vec::new();
        let mut done = BTreeSet::new();
        fn visit(
            n: &str,
            reg: &Registry,
            ok: &BTreeMap<String, bool>,
            done: &mut BTreeSet<String>,
            order: &mut Vec<String>,
        ) {
            if !ok.get(n).copied().unwrap_or(false) || !done.insert(n.to_string()) {
                return;
            }
            let mut deps = Vec::new();
            let mut collect = |s: &Shape| collect_named(s, &mut deps);
            match reg.containers.get(n) {
                Some(Container::Struct(f)) => f.shapes().into_iter().for_each(&mut collect),
                Some(Container::Enum { variants, .. }) => variants
                    .iter()
                    .filter_map(|v| v.fields.as_ref())
                    .for_each(|f| f.shapes().into_iter().for_each(&mut collect)),
                None => {}
            }
            for d in deps {
                visit(&d, reg, ok, done, order);
            }
            order.push(n.to_string());
        }
        for n in self.reg.containers.keys() {
            visit(n, &self.reg, &g.ok, &mut done, &mut order);
        }
        for n in &order {
            let c = cident(n);
            let ty = format!("{p}_{c}");
            if let Some(size) = g.fixed(&Shape::Named(n.clone())) {
                let _ = writeln!(out, "#define {}_SIZE {size}", ty.to_uppercase());
            }
            let mut dec = String::new();
            let mut enc = String::new();
            match &self.reg.containers[n] {
                Container::Struct(fields) => {
                    let _ = writeln!(out, "/** `{n}`. */\ntypedef struct {{");
                    let names = field_names(fields);
                    let shapes = fields.shapes();
                    if shapes.is_empty() {
                        out.push_str("    uint8_t unused; /* no fields on the wire */\n");
                    }
                    for (f, s) in names.iter().zip(&shapes) {
                        let _ = writeln!(out, "    {}", g.decl(s, f));
                    }
                    let _ = writeln!(out, "}} {ty};\n");
                    for (f, s) in names.iter().zip(&shapes) {
                        g.dec(s, &format!("out->{f}"), &mut dec, "    ");
                        g.enc(s, &format!("v->{f}"), &mut enc, "    ");
                    }
                    if shapes.is_empty() {
                        dec.push_str("    out->unused = 0;\n");
                    }
                }
                Container::Enum {
                    tag_width,
                    variants,
                    ..
                } => {
                    for v in variants {
                        let _ = writeln!(
                            out,
                            "#define {}_{} UINT32_C({}) /* tag of `{n}::{}` */",
                            ty.to_uppercase(),
                            cident(&v.name).to_uppercase(),
                            v.tag,
                            v.name
                        );
                    }
                    let _ = writeln!(
                        out,
                        "/** `{n}`: `tag` says which member of `v` holds the variant's fields. */\ntypedef struct {{\n    uint32_t tag;"
                    );
                    let with_fields: Vec<_> = variants
                        .iter()
                        .filter(|v| !matches!(v.fields, Some(Fields::Unit) | None))
                        .collect();
                    if !with_fields.is_empty() {
                        out.push_str("    union {\n");
                        for v in &with_fields {
                            let f = v.fields.as_ref().unwrap_or(&Fields::Unit);
                            let decls: Vec<_> = field_names(f)
                                .iter()
                                .zip(f.shapes())
                                .map(|(nm, s)| g.decl(s, nm))
                                .collect();
                            let _ = writeln!(
                                out,
                                "        struct {{ {} }} {};",
                                decls.join(" "),
                                cident(&v.name)
                            );
                        }
                        out.push_str("    } v;\n");
                    }
                    let _ = writeln!(out, "}} {ty};\n");
                    let tw = *tag_width;
                    let _ = writeln!(
                        dec,
                        "    if (len < {tw}) return {big}_ESHORT;\n    out->tag = (uint32_t){}(in);\n    p = {tw};\n    switch (out->tag) {{",
                        g.rd(tw)
                    );
                    let _ = writeln!(
                        enc,
                        "    if (cap < {tw}) return {big}_ESHORT;\n    switch (v->tag) {{"
                    );
                    for v in variants {
                        let case =
                            format!("{}_{}", ty.to_uppercase(), cident(&v.name).to_uppercase());
                        let _ = writeln!(dec, "    case {case}:");
                        let _ = writeln!(enc, "    case {case}:");
                        let f = v.fields.as_ref().unwrap_or(&Fields::Unit);
                        for (nm, s) in field_names(f).iter().zip(f.shapes()) {
                            g.dec(
                                s,
                                &format!("out->v.{}.{nm}", cident(&v.name)),
                                &mut dec,
                                "        ",
                            );
                            g.enc(
                                s,
                                &format!("v->v.{}.{nm}", cident(&v.name)),
                                &mut enc,
                                "        ",
                            );
                        }
                        dec.push_str("        break;\n");
                        enc.push_str("        break;\n");
                    }
                    let _ = writeln!(dec, "    default:\n        return {big}_EINVAL;\n    }}");
                    let _ = writeln!(
                        enc,
                        "    default:\n        return {big}_EINVAL;\n    }}\n    {}(out, (uint{}_t)v->tag);",
                        g.wr(tw),
                        tw * 8
                    );
                    enc = enc.replacen("    switch", &format!("    p = {tw};\n    switch"), 1);
                }
            }
            let _ = writeln!(
                out,
                "/** Decodes a `{n}` from the front of `in`; returns the bytes used or a negative error. */\nstatic inline long {ty}_decode(const uint8_t *in, size_t len, {ty} *out) {{\n    size_t p = 0;\n    (void)in; (void)len; (void)out;\n{dec}    return (long)p;\n}}\n"
            );
            let _ = writeln!(
                out,
                "/** Encodes `*v` into `out`; returns the bytes written or a negative error. */\nstatic inline long {ty}_encode(const {ty} *v, uint8_t *out, size_t cap) {{\n    size_t p = 0;\n    (void)v; (void)out; (void)cap;\n{enc}    return (long)p;\n}}\n"
            );
        }
        let _ = writeln!(out, "#endif /* {big}_NETWIRE_H */");
        out
    }
}

fn collect_named(s: &Shape, out: &mut Vec<String>) {
    match s {
        Shape::Named(n) => out.push(n.clone()),
        Shape::Option(i) | Shape::Seq(i) | Shape::Adapted(_, i) => collect_named(i, out),
        Shape::Map(a, b) => {
            collect_named(a, out);
            collect_named(b, out);
        }
        Shape::Tuple(v) => v.iter().for_each(|s| collect_named(s, out)),
        _ => {}
    }
}
