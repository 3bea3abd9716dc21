//! The C99 header.
//!
//! Decoders mirror the Python runtime's reader step by step, so that an
//! error has the kind and offset netwire gives: every item checks its own
//! bytes at its own offset, lengths are charged to the message's element
//! budget, and each nested level counts against the depth limit.
//! Encoders count the levels the same way. Recursive types hold pointers
//! to nodes taken from an arena the caller gives (the header allocates
//! nothing); a full arena is the header's own error, none of netwire's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::markdown::fixed_size;
use super::names::{self, Scope, comment};
use super::trace::{Container, Fields, Prim, Registry, Shape};
use super::{Framing, Spec};
use crate::with::{Adapter, Width};

/// The C names of a registry's types and variants: one scope for the whole
/// header (C folds nothing, but the macros are upper case).
struct CNames {
    ty: BTreeMap<String, String>,
    /// Per enum, per variant: the union member and the tag macro's suffix.
    variants: BTreeMap<String, Vec<(String, String)>>,
}

/// Names the header declares itself, after the protocol prefix.
const RESERVED: &[&str] = &[
    "view",
    "error",
    "state",
    "message",
    "preamble",
    "message_decode",
    "message_encode",
    "message_decode_at",
    "rd8",
    "rd16",
    "rd32",
    "rd64",
    "wr8",
    "wr16",
    "wr32",
    "wr64",
    "fail",
    "short",
    "end",
    "enter",
    "charge",
    "utf8",
    "error_name",
    "eshort",
    "einval",
    "ebool",
    "eoption",
    "etag",
    "eutf8",
    "enegative",
    "elimit",
    "edepth",
    "etrailing",
    "limit",
    "depth",
    "netwire_h",
    "enc_depth",
];

/// Names a header with recursive types declares too.
const RESERVED_ARENA: &[&str] = &[
    "arena",
    "alloc",
    "max_align",
    "align_probe",
    "earena",
    "align",
    "node_max",
    "arena_size",
];

impl CNames {
    fn new(reg: &Registry) -> Self {
        let mut reserved = RESERVED.to_vec();
        if reaches(reg).iter().any(|(n, r)| r.contains(n)) {
            reserved.extend(RESERVED_ARENA);
        }
        let mut global = Scope::new(names::C, &reserved);
        let suffixes = ["_decode", "_encode", "_decode_at", "_dec", "_enc", "_size"];
        let ty: BTreeMap<String, String> = reg
            .containers
            .keys()
            .map(|n| (n.clone(), global.take(n, &suffixes)))
            .collect();
        let mut variants = BTreeMap::new();
        for (n, c) in &reg.containers {
            if let Container::Enum { variants: vs, .. } = c {
                let mut members = Scope::new(names::C, &[]);
                let list = vs
                    .iter()
                    .map(|v| {
                        let member = members.take(&v.name, &[]);
                        let mac = global.take_ident(format!("{}_{member}", ty[n]), &[]);
                        (member, mac)
                    })
                    .collect();
                variants.insert(n.clone(), list);
            }
        }
        CNames { ty, variants }
    }

    fn ty(&self, n: &str) -> &str {
        self.ty.get(n).map_or("?", String::as_str)
    }
}

fn field_names(fields: &Fields) -> Vec<String> {
    match fields {
        Fields::Unit => Vec::new(),
        Fields::Newtype(_) => vec!["value".into()],
        Fields::Tuple(v) => (0..v.len()).map(|i| format!("_{i}")).collect(),
        Fields::Named(v) => {
            let mut scope = Scope::new(names::C, &["unused", "tag", "v"]);
            v.iter().map(|(n, _)| scope.take(n, &[])).collect()
        }
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
    names: CNames,
    len_width: usize,
    ok: BTreeMap<String, bool>,
    why: BTreeMap<String, String>,
    tmp: usize,
    /// Per recursive type, the types it is mutually recursive with
    /// (itself included).
    rec: BTreeMap<String, BTreeSet<String>>,
    /// The types whose decoders take nodes from an arena: those that
    /// reach a recursive type.
    arena: BTreeSet<String>,
    /// The recursive group of the type being generated: a field of one
    /// of these types is a pointer.
    cur: BTreeSet<String>,
}

impl Gen<'_> {
    fn fixed(&self, s: &Shape) -> Option<usize> {
        fixed_size(s, self.reg, &mut BTreeSet::new())
    }

    /// Whether `s` has a C form; `Err` says why not.
    fn supported(&mut self, s: &Shape, stack: &mut Vec<String>) -> Result<(), String> {
        match s {
            Shape::Padded(_) => Ok(()),
            Shape::Prim(_) | Shape::Char => Ok(()),
            Shape::Unit => Ok(()),
            Shape::Str | Shape::Bytes => Ok(()),
            Shape::Option(i) => self.supported(i, stack),
            Shape::Seq(e) => self.seq_elem(e, stack),
            Shape::Map(k, v) => {
                self.supported(k, stack)?;
                self.supported(v, stack)
            }
            Shape::Tuple(v) => v.iter().try_for_each(|s| self.supported(s, stack)),
            Shape::Named(n) => {
                if stack.contains(n) {
                    // A recursion: a pointer into the caller's arena.
                    return Ok(());
                }
                if let Some(&ok) = self.ok.get(n) {
                    return if ok {
                        Ok(())
                    } else {
                        Err(format!("a `{}`", comment(n)))
                    };
                }
                stack.push(n.clone());
                let r = self.container(n, stack);
                stack.pop();
                self.ok.insert(n.clone(), r.is_ok());
                if let Err(e) = &r {
                    self.why.insert(n.clone(), e.clone());
                }
                r.map_err(|_| format!("a `{}`", comment(n)))
            }
            Shape::Adapted(a, i) => match (a, &**i) {
                (Adapter::Len(_) | Adapter::CStr, Shape::Str | Shape::Bytes) => Ok(()),
                (Adapter::Len(_), Shape::Seq(e)) => self.seq_elem(e, stack),
                (Adapter::Len(_), m @ Shape::Map(..)) => self.supported(m, stack),
                (Adapter::Nullable(_), Shape::Option(inner)) => match &**inner {
                    Shape::Str | Shape::Bytes => Ok(()),
                    Shape::Seq(e) => self.seq_elem(e, stack),
                    m @ Shape::Map(..) => self.supported(m, stack),
                    _ => Err("a nullable of another shape".into()),
                },
                (Adapter::Rest, Shape::Bytes) => Ok(()),
                (Adapter::NulTerminated, Shape::Seq(e)) => self.supported(e, stack),
                (Adapter::EmptyAsNone, Shape::Option(i)) => self.supported(i, stack),
                (Adapter::Rest, Shape::Seq(e)) => self.seq_elem(e, stack),
                _ => Err(format!("`{}`", super::trace::adapter_name(*a))),
            },
            Shape::Unknown => Err("an untraced part".into()),
        }
    }

    /// The recursive groups and the types that need an arena, over the
    /// types with a C form.
    fn recursion(&mut self) {
        let reaches = reaches(self.reg);
        // A type reaching one with no C form has none either (a recursive
        // group stands or falls together).
        loop {
            let bad: Vec<(String, String)> = reaches
                .iter()
                .filter(|(n, _)| self.ok.get(*n).copied().unwrap_or(false))
                .filter_map(|(n, r)| {
                    r.iter()
                        .find(|m| !self.ok.get(*m).copied().unwrap_or(false))
                        .map(|m| (n.clone(), format!("a `{}`", comment(m))))
                })
                .collect();
            if bad.is_empty() {
                break;
            }
            for (n, why) in bad {
                self.ok.insert(n.clone(), false);
                self.why.insert(n, why);
            }
        }
        for (n, r) in &reaches {
            if r.contains(n) && self.ok.get(n).copied().unwrap_or(false) {
                let group = r
                    .iter()
                    .filter(|m| reaches.get(*m).is_some_and(|b| b.contains(n)))
                    .cloned()
                    .collect();
                self.rec.insert(n.clone(), group);
            }
        }
        for (n, r) in &reaches {
            if self.rec.contains_key(n) || r.iter().any(|m| self.rec.contains_key(m)) {
                self.arena.insert(n.clone());
            }
        }
    }

    /// The type a field of shape `s` points to: a type of the recursive
    /// group being generated, or an option of one (`NULL`: `None`).
    fn ptr_target<'s>(&self, s: &'s Shape) -> Option<&'s str> {
        match s {
            Shape::Named(n) if self.cur.contains(n) => Some(n),
            Shape::Option(i) => match &**i {
                Shape::Named(n) if self.cur.contains(n) => Some(n),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether every node has a byte of its own: each pointer is an
    /// option's (its flag byte) or to an enum (its tag).
    fn arena_bound(&self) -> bool {
        fn owned(g: &Gen, s: &Shape, group: &BTreeSet<String>, flagged: bool) -> bool {
            match s {
                Shape::Named(t) if group.contains(t) => {
                    flagged || matches!(g.reg.containers.get(t), Some(Container::Enum { .. }))
                }
                Shape::Option(i) => owned(g, i, group, true),
                Shape::Adapted(Adapter::EmptyAsNone, i) => match &**i {
                    Shape::Option(x) => owned(g, x, group, false),
                    x => owned(g, x, group, false),
                },
                Shape::Adapted(_, i) | Shape::Seq(i) => owned(g, i, group, false),
                Shape::Map(k, v) => owned(g, k, group, false) && owned(g, v, group, false),
                Shape::Tuple(v) => v.iter().all(|x| owned(g, x, group, false)),
                _ => true,
            }
        }
        self.rec.iter().all(|(n, group)| {
            self.reg.containers.get(n).is_some_and(|c| {
                container_shapes(c)
                    .into_iter()
                    .all(|s| owned(self, s, group, false))
            })
        })
    }

    /// Whether `s` holds a value of a recursive type (its decoder takes
    /// nodes from the arena).
    fn takes_nodes(&self, s: &Shape) -> bool {
        let mut named = Vec::new();
        collect_named(s, &mut named);
        named.iter().any(|n| self.arena.contains(n))
    }

    fn seq_elem(&mut self, e: &Shape, stack: &mut Vec<String>) -> Result<(), String> {
        self.supported(e, stack)
    }

    /// Whether the sequence or map `s` (under its adapter, if any) is a
    /// `<p>_seq`: a map, or a sequence whose elements have no one
    /// positive size.
    fn var(&self, s: &Shape) -> bool {
        match s {
            Shape::Map(..) | Shape::Adapted(Adapter::NulTerminated, _) => true,
            Shape::Seq(e) => !matches!(self.fixed(e), Some(n) if n > 0),
            Shape::Adapted(_, i) | Shape::Option(i) => {
                matches!(&**i, Shape::Seq(_) | Shape::Map(..)) && self.var(i)
            }
            _ => false,
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
        if let Some(t) = self.ptr_target(s) {
            let none = if matches!(s, Shape::Option(_)) {
                " /* NULL: None */"
            } else {
                ""
            };
            return format!("{p}_{} *{name};{none}", self.names.ty(t));
        }
        match s {
            Shape::Padded(n) => format!("uint8_t {name}[{n}]; /* UTF-8 text, then 0 bytes */"),
            Shape::Prim(x @ (Prim::U128 | Prim::I128)) => format!(
                "uint8_t {name}[16]; /* {}: big-endian bytes */",
                if *x == Prim::U128 {
                    "u128"
                } else {
                    "i128, two's complement"
                }
            ),
            Shape::Prim(x) => format!("{} {name};", prim_c(*x).unwrap_or("void")),
            Shape::Char => format!("uint32_t {name}; /* a char: a Unicode scalar value */"),
            Shape::Unit => format!("uint8_t {name}; /* unit: nothing on the wire */"),
            Shape::Adapted(Adapter::EmptyAsNone, i) => match &**i {
                Shape::Option(x) => format!(
                    "struct {{ bool present; {} }} {name}; /* present: not at the end */",
                    self.decl(x, "value")
                ),
                _ => format!("uint8_t {name};"),
            },
            Shape::Adapted(Adapter::Nullable(_), i) if self.var(i) => {
                format!("struct {{ bool present; {p}_seq value; }} {name};")
            }
            Shape::Adapted(Adapter::Nullable(_), _) => {
                format!("struct {{ bool present; {p}_view value; }} {name};")
            }
            s @ (Shape::Map(..) | Shape::Seq(_) | Shape::Adapted(..)) if self.var(s) => {
                format!("{p}_seq {name};")
            }
            Shape::Str | Shape::Bytes | Shape::Seq(_) | Shape::Adapted(..) => {
                format!("{p}_view {name};")
            }
            Shape::Option(i) => format!(
                "struct {{ bool present; {} }} {name};",
                self.decl(i, "value")
            ),
            Shape::Tuple(v) if !v.is_empty() && v.iter().all(|x| x == &v[0]) => {
                if let Some(t) = self.ptr_target(&v[0]) {
                    return format!("{p}_{} *{name}[{}];", self.names.ty(t), v.len());
                }
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
            Shape::Named(n) => format!("{p}_{} {name};", self.names.ty(n)),
            _ => format!("uint8_t {name};"),
        }
    }

    fn rd(&self, size: usize) -> String {
        format!("{}_rd{}", self.p, size * 8)
    }

    /// `if` the `n` bytes at `p` are not there, the error.
    fn need(&self, n: usize, out: &mut String, ind: &str) {
        let _ = writeln!(
            out,
            "{ind}if (len - p < {n}) return {p}_short(st, p, (uint64_t)p + {n});",
            p = self.p
        );
    }

    /// Decoding statements of `s` into the lvalue `lv`.
    fn dec(&mut self, s: &Shape, lv: &str, out: &mut String, ind: &str) {
        let p = self.p.clone();
        let big = p.to_uppercase();
        if let Some(t) = self.ptr_target(s) {
            let ty = format!("{p}_{}", self.names.ty(t));
            let node = |ind: &str, out: &mut String| {
                let _ = writeln!(
                    out,
                    "{ind}{{ {ty} *node = ({ty} *){p}_alloc(st, sizeof *node);\n\
                     {ind}  if (node == NULL) return {p}_fail(st, {big}_EARENA, p);\n\
                     {ind}  {lv} = node;\n\
                     {ind}  if ({ty}_dec(in, len, &p, node, st) < 0) return st->err->code; }}"
                );
            };
            if matches!(s, Shape::Option(_)) {
                self.need(1, out, ind);
                let _ = writeln!(
                    out,
                    "{ind}if (in[p] > 1) return {p}_fail(st, {big}_EOPTION, p);\n{ind}if (in[p] == 1) {{\n{ind}    if ({p}_enter(st, p) < 0) return st->err->code;\n{ind}    p += 1;"
                );
                node(&format!("{ind}    "), out);
                let _ = writeln!(
                    out,
                    "{ind}    st->depth++;\n{ind}}} else {{\n{ind}    {lv} = NULL;\n{ind}    p += 1;\n{ind}}}"
                );
            } else {
                node(ind, out);
            }
            return;
        }
        match s {
            Shape::Padded(n) => {
                self.dec(&Shape::Tuple(vec![Shape::Prim(Prim::U8); *n]), lv, out, ind)
            }
            Shape::Prim(Prim::Bool) => {
                self.need(1, out, ind);
                let _ = writeln!(
                    out,
                    "{ind}if (in[p] > 1) return {p}_fail(st, {big}_EBOOL, p);\n{ind}{lv} = in[p] == 1;\n{ind}p += 1;"
                );
            }
            Shape::Prim(x @ (Prim::F32 | Prim::F64)) => {
                let n = x.size();
                self.need(n, out, ind);
                let _ = writeln!(
                    out,
                    "{ind}{{ uint{b}_t bits = {rd}(in + p); memcpy(&{lv}, &bits, {n}); }}\n{ind}p += {n};",
                    b = n * 8,
                    rd = self.rd(n)
                );
            }
            Shape::Prim(Prim::U128 | Prim::I128) => {
                self.need(16, out, ind);
                let _ = writeln!(out, "{ind}memcpy({lv}, in + p, 16);\n{ind}p += 16;");
            }
            Shape::Char => {
                self.need(1, out, ind);
                let _ = writeln!(
                    out,
                    "{ind}{{ size_t w = {p}_char_width(in[p]);\n\
                     {ind}  if (w == 0) return {p}_fail(st, {big}_ECHAR, p);\n\
                     {ind}  if (len - p < w) return (uint64_t)p + w > {big}_LIMIT ? {p}_fail(st, {big}_ELIMIT, p + 1) : {p}_fail(st, {big}_ESHORT, p);\n\
                     {ind}  if (!{p}_utf8(in + p, w)) return {p}_fail(st, {big}_ECHAR, p);\n\
                     {ind}  {lv} = {p}_char_value(in + p, w);\n{ind}  p += w; }}"
                );
            }
            Shape::Prim(x) => {
                let n = x.size();
                self.need(n, out, ind);
                let _ = writeln!(
                    out,
                    "{ind}{lv} = ({t}){rd}(in + p);\n{ind}p += {n};",
                    t = prim_c(*x).unwrap_or("int"),
                    rd = self.rd(n)
                );
            }
            Shape::Unit => {
                let _ = writeln!(out, "{ind}{lv} = 0;");
            }
            Shape::Str => self.dec_bytes(Width::from_len(self.len_width), true, lv, out, ind),
            Shape::Bytes => self.dec_bytes(Width::from_len(self.len_width), false, lv, out, ind),
            Shape::Seq(e) => {
                self.dec_seq(Some(Width::from_len(self.len_width)), &[&**e], lv, out, ind)
            }
            Shape::Map(k, v) => self.dec_seq(
                Some(Width::from_len(self.len_width)),
                &[&**k, &**v],
                lv,
                out,
                ind,
            ),
            Shape::Option(i) => {
                self.need(1, out, ind);
                let _ = writeln!(
                    out,
                    "{ind}if (in[p] > 1) return {p}_fail(st, {big}_EOPTION, p);\n{ind}{lv}.present = in[p] == 1;\n{ind}if ({lv}.present) {{\n{ind}    if ({p}_enter(st, p) < 0) return st->err->code;\n{ind}    p += 1;"
                );
                self.dec(i, &format!("{lv}.value"), out, &format!("{ind}    "));
                let _ = writeln!(
                    out,
                    "{ind}    st->depth++;\n{ind}}} else {{\n{ind}    p += 1;\n{ind}}}"
                );
            }
            Shape::Tuple(v) => {
                let _ = writeln!(out, "{ind}if ({p}_enter(st, p) < 0) return st->err->code;");
                if !v.is_empty() && v.iter().all(|x| x == &v[0]) {
                    self.tmp += 1;
                    let i = format!("i{}", self.tmp);
                    let _ = writeln!(
                        out,
                        "{ind}for (size_t {i} = 0; {i} < {}; {i}++) {{",
                        v.len()
                    );
                    self.dec(&v[0], &format!("{lv}[{i}]"), out, &format!("{ind}    "));
                    let _ = writeln!(out, "{ind}}}");
                } else if v.is_empty() {
                    let _ = writeln!(out, "{ind}{lv} = 0;");
                } else {
                    for (k, s) in v.iter().enumerate() {
                        self.dec(s, &format!("{lv}._{k}"), out, ind);
                    }
                }
                let _ = writeln!(out, "{ind}st->depth++;");
            }
            Shape::Named(n) => {
                let _ = writeln!(
                    out,
                    "{ind}if ({p}_{}_dec(in, len, &p, &{lv}, st) < 0) return st->err->code;",
                    self.names.ty(n)
                );
            }
            Shape::Adapted(a, i) => match (a, &**i) {
                (Adapter::Len(w), Shape::Seq(e)) => self.dec_seq(Some(*w), &[&**e], lv, out, ind),
                (Adapter::Len(w), Shape::Map(k, v)) => {
                    self.dec_seq(Some(*w), &[&**k, &**v], lv, out, ind)
                }
                (Adapter::Len(w), s) => self.dec_bytes(*w, *s == Shape::Str, lv, out, ind),
                (Adapter::Nullable(w), Shape::Option(inner)) => {
                    let n = w.size();
                    self.need(n, out, ind);
                    let _ = writeln!(
                        out,
                        "{ind}{{ int64_t signed_count = (int{b}_t){rd}(in + p);\n{ind}  size_t start = p;\n{ind}  if (signed_count == -1) {{ {lv}.present = false; p += {n}; }}\n{ind}  else if (signed_count < 0) return {p}_fail(st, {big}_ENEGATIVE, start);\n{ind}  else {{\n{ind}    uint64_t count = (uint64_t)signed_count;\n{ind}    {lv}.present = true;\n{ind}    p += {n};\n{ind}    start = p;",
                        b = n * 8,
                        rd = self.rd(n)
                    );
                    let inner_ind = format!("{ind}    ");
                    let val = format!("{lv}.value");
                    match &**inner {
                        Shape::Seq(e) => self.dec_seq_body(&[&**e], &val, out, &inner_ind),
                        Shape::Map(k, v) => self.dec_seq_body(&[&**k, &**v], &val, out, &inner_ind),
                        s => self.dec_bytes_body(*s == Shape::Str, &val, out, &inner_ind),
                    }
                    let _ = writeln!(out, "{ind}  }}\n{ind}}}");
                }
                (Adapter::CStr, s) => {
                    let _ = writeln!(
                        out,
                        "{ind}{{ const uint8_t *z = len > p ? (const uint8_t *)memchr(in + p, 0, len - p) : NULL;\n{ind}  if (z == NULL) return {p}_short(st, p, (uint64_t)len + 1);\n{ind}  {lv}.ptr = in + p; {lv}.len = (size_t)(z - (in + p));"
                    );
                    if *s == Shape::Str {
                        let _ = writeln!(
                            out,
                            "{ind}  if (!{p}_utf8({lv}.ptr, {lv}.len)) return {p}_fail(st, {big}_EUTF8, p);"
                        );
                    }
                    let _ = writeln!(out, "{ind}  p += {lv}.len + 1; }}");
                }
                (Adapter::Rest, Shape::Seq(e)) => self.dec_seq(None, &[&**e], lv, out, ind),
                (Adapter::NulTerminated, Shape::Seq(e)) => {
                    let elem = self.decl(e, "elem0");
                    let _ = writeln!(
                        out,
                        "{ind}{{ uint64_t count = 0;\n\
                         {ind}  if ({p}_enter(st, p) < 0) return st->err->code;\n\
                         {ind}  {lv}.ptr = in + p;\n\
                         {ind}  for (;;) {{\n\
                         {ind}    if (p >= len) return {p}_short(st, p, (uint64_t)p + 1);\n\
                         {ind}    if (in[p] == 0) break;\n\
                         {ind}    if ({p}_charge(st, 1, p) < 0) return st->err->code;\n\
                         {ind}    {{ size_t before = p; {elem}"
                    );
                    let mark = self.mark(e, out, &format!("{ind}      "));
                    self.dec(e, "elem0", out, &format!("{ind}      "));
                    self.release(mark, out, &format!("{ind}      "));
                    let _ = writeln!(
                        out,
                        "{ind}      (void)elem0;\n\
                         {ind}      if (p == before) return {p}_fail(st, {big}_EEMPTY, p); }}\n\
                         {ind}    count++;\n{ind}  }}\n\
                         {ind}  {lv}.len = (size_t)count; {lv}.size = (size_t)((in + p) - {lv}.ptr);\n\
                         {ind}  p += 1;\n{ind}  st->depth++; }}"
                    );
                }
                (Adapter::EmptyAsNone, Shape::Option(x)) => {
                    let _ = writeln!(
                        out,
                        "{ind}if (p >= len && !st->cut) {{\n{ind}    {lv}.present = false;\n{ind}}} else {{\n{ind}    {lv}.present = true;"
                    );
                    self.dec(x, &format!("{lv}.value"), out, &format!("{ind}    "));
                    let _ = writeln!(out, "{ind}}}");
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "{ind}if (st->cut) return {p}_fail(st, {big}_ELIMIT, p);\n{ind}{lv}.ptr = in + p; {lv}.len = len - p; p = len;"
                    );
                }
            },
            _ => {}
        }
    }

    /// Reads a length of width `w` at `p` into `count`, after `start = p`.
    fn dec_len(&self, w: Width, out: &mut String, ind: &str) {
        let p = &self.p;
        let big = p.to_uppercase();
        let n = w.size();
        let _ = writeln!(out, "{ind}size_t start = p;");
        self.need(n, out, ind);
        match w {
            Width::I16 | Width::I32 => {
                let _ = writeln!(
                    out,
                    "{ind}{{ int64_t c = (int{b}_t){rd}(in + p);\n{ind}  if (c < 0) return {p}_fail(st, {big}_ENEGATIVE, start);\n{ind}  count = (uint64_t)c; }}",
                    b = n * 8,
                    rd = self.rd(n),
                );
            }
            _ => {
                let _ = writeln!(out, "{ind}count = {}(in + p);", self.rd(n));
            }
        }
        let _ = writeln!(out, "{ind}p += {n};");
    }

    fn dec_bytes(&mut self, w: Width, text: bool, lv: &str, out: &mut String, ind: &str) {
        let _ = writeln!(out, "{ind}{{ uint64_t count;");
        let inner = format!("{ind}  ");
        self.dec_len(w, out, &inner);
        self.dec_bytes_body(text, lv, out, &inner);
        let _ = writeln!(out, "{ind}}}");
    }

    /// The `count` bytes of a string whose length is at `start`.
    fn dec_bytes_body(&mut self, text: bool, lv: &str, out: &mut String, ind: &str) {
        let p = &self.p;
        let big = p.to_uppercase();
        let _ = writeln!(
            out,
            "{ind}{{ uint64_t q = {p}_end(p, count);\n{ind}  if (q > len) return {p}_short(st, start, q); }}"
        );
        if text {
            let _ = writeln!(
                out,
                "{ind}if (!{p}_utf8(in + p, (size_t)count)) return {p}_fail(st, {big}_EUTF8, start);"
            );
        }
        let _ = writeln!(
            out,
            "{ind}{lv}.ptr = in + p; {lv}.len = (size_t)count; p += (size_t)count;"
        );
    }

    fn dec_seq(&mut self, w: Option<Width>, e: &[&Shape], lv: &str, out: &mut String, ind: &str) {
        let _ = writeln!(out, "{ind}{{ uint64_t count;");
        let inner = format!("{ind}  ");
        match w {
            Some(w) => {
                self.dec_len(w, out, &inner);
                self.dec_seq_body(e, lv, out, &inner);
            }
            None => self.dec_open(e[0], lv, out, &inner),
        }
        let _ = writeln!(out, "{ind}}}");
    }

    /// `count` elements (each the shapes of `e` in turn: one for a
    /// sequence, key and value for a map) after a length at `start`.
    fn dec_seq_body(&mut self, e: &[&Shape], lv: &str, out: &mut String, ind: &str) {
        let p = self.p.clone();
        let _ = writeln!(
            out,
            "{ind}if ({p}_charge(st, count, start) < 0 || {p}_enter(st, start) < 0) return st->err->code;"
        );
        let var = e.len() > 1 || !matches!(self.fixed(e[0]), Some(n) if n > 0);
        if e.len() == 1 && *e[0] == Shape::Prim(Prim::U8) {
            let _ = writeln!(
                out,
                "{ind}if ({p}_end(p, count) > len) return {p}_short(st, len, (uint64_t)len + 1);\n{ind}{lv}.ptr = in + p; {lv}.len = (size_t)count; p += (size_t)count;"
            );
        } else {
            self.tmp += 1;
            let i = format!("i{}", self.tmp);
            let _ = writeln!(
                out,
                "{ind}{lv}.ptr = in + p; {lv}.len = (size_t)count;\n{ind}for (uint64_t {i} = 0; {i} < count; {i}++) {{ /* checks each element */"
            );
            for (k, s) in e.iter().enumerate() {
                let name = format!("elem{k}");
                let elem = self.decl(s, &name);
                let _ = writeln!(out, "{ind}  {{ {elem}");
                let mark = self.mark(s, out, &format!("{ind}    "));
                self.dec(s, &name, out, &format!("{ind}    "));
                self.release(mark, out, &format!("{ind}    "));
                let _ = writeln!(out, "{ind}    (void){name}; }}");
            }
            let _ = writeln!(out, "{ind}}}");
            if var {
                let _ = writeln!(out, "{ind}{lv}.size = (size_t)((in + p) - {lv}.ptr);");
            }
        }
        let _ = writeln!(out, "{ind}st->depth++;");
    }

    /// Elements to the end of the message (`with::rest`).
    fn dec_open(&mut self, e: &Shape, lv: &str, out: &mut String, ind: &str) {
        let p = self.p.clone();
        let elem = self.decl(e, "elem");
        let _ = writeln!(
            out,
            "{ind}if ({p}_enter(st, p) < 0) return st->err->code;\n{ind}{lv}.ptr = in + p; count = 0;\n{ind}while (p < len || st->cut) {{\n{ind}    {elem}\n{ind}    if ({p}_charge(st, 1, p) < 0) return st->err->code;"
        );
        let mark = self.mark(e, out, &format!("{ind}    "));
        self.dec(e, "elem", out, &format!("{ind}    "));
        self.release(mark, out, &format!("{ind}    "));
        let _ = writeln!(
            out,
            "{ind}    (void)elem;\n{ind}    count++;\n{ind}}}\n{ind}{lv}.len = (size_t)count;\n{ind}st->depth++;"
        );
        if !matches!(self.fixed(e), Some(n) if n > 0) {
            let _ = writeln!(out, "{ind}{lv}.size = (size_t)((in + p) - {lv}.ptr);");
        }
    }

    /// Before an element that is checked and dropped: where the arena
    /// is, when the element takes nodes from it.
    fn mark(&mut self, s: &Shape, out: &mut String, ind: &str) -> Option<String> {
        if !self.takes_nodes(s) {
            return None;
        }
        self.tmp += 1;
        let m = format!("mark{}", self.tmp);
        let _ = writeln!(
            out,
            "{ind}size_t {m} = st->arena != NULL ? st->arena->used : 0;"
        );
        Some(m)
    }

    /// After the element: its nodes go back to the arena.
    fn release(&self, mark: Option<String>, out: &mut String, ind: &str) {
        if let Some(m) = mark {
            let _ = writeln!(out, "{ind}if (st->arena != NULL) st->arena->used = {m};");
        }
    }

    fn wr(&self, size: usize) -> String {
        format!("{}_wr{}", self.p, size * 8)
    }

    /// Encoding statements of the value `v` of shape `s`.
    ///
    /// `*depth` counts the levels left as the decoder counts them, so
    /// that nothing is written that the decoder would refuse as too deep
    /// (and a cycle of pointers ends in `<P>_EDEPTH`).
    fn enc(&mut self, s: &Shape, v: &str, out: &mut String, ind: &str) {
        let p = self.p.clone();
        let big = p.to_uppercase();
        if let Some(t) = self.ptr_target(s) {
            let ty = format!("{p}_{}", self.names.ty(t));
            let call = format!(
                "{{ long n = {ty}_enc({v}, out + p, cap - p, depth); if (n < 0) return n; p += (size_t)n; }}"
            );
            if matches!(s, Shape::Option(_)) {
                let _ = writeln!(
                    out,
                    "{ind}if (cap - p < 1) return {big}_ESHORT;\n{ind}out[p++] = {v} != NULL ? 1 : 0;\n\
                     {ind}if ({v} != NULL) {{\n{ind}    if ({p}_enc_depth(depth) < 0) return {big}_EDEPTH;\n\
                     {ind}    {call}\n{ind}    (*depth)++;\n{ind}}}"
                );
            } else {
                let _ = writeln!(
                    out,
                    "{ind}if ({v} == NULL) return {big}_EINVAL;\n{ind}{call}"
                );
            }
            return;
        }
        let level = match s {
            Shape::Seq(_) | Shape::Map(..) | Shape::Tuple(_) => true,
            Shape::Adapted(Adapter::Len(_) | Adapter::Rest | Adapter::NulTerminated, i) => {
                matches!(&**i, Shape::Seq(_) | Shape::Map(..))
            }
            _ => false,
        };
        if level {
            let _ = writeln!(
                out,
                "{ind}if ({p}_enc_depth(depth) < 0) return {big}_EDEPTH;"
            );
        }
        self.enc_shape(s, v, out, ind);
        if level {
            let _ = writeln!(out, "{ind}(*depth)++;");
        }
    }

    fn enc_shape(&mut self, s: &Shape, v: &str, out: &mut String, ind: &str) {
        let p = self.p.clone();
        let big = p.to_uppercase();
        match s {
            Shape::Padded(n) => {
                self.enc(&Shape::Tuple(vec![Shape::Prim(Prim::U8); *n]), v, out, ind)
            }
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
            Shape::Prim(Prim::U128 | Prim::I128) => {
                let _ = writeln!(
                    out,
                    "{ind}if (cap - p < 16) return {big}_ESHORT;\n{ind}memcpy(out + p, {v}, 16);\n{ind}p += 16;"
                );
            }
            Shape::Char => {
                let _ = writeln!(
                    out,
                    "{ind}{{ uint8_t u[4]; size_t w = {p}_char_put({v}, u);\n\
                     {ind}  if (w == 0) return {big}_EINVAL;\n{ind}  if (cap - p < w) return {big}_ESHORT;\n\
                     {ind}  memcpy(out + p, u, w);\n{ind}  p += w; }}"
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
            s @ (Shape::Seq(_) | Shape::Map(..)) if self.var(s) => {
                self.enc_var(Some(Width::from_len(self.len_width)), v, out, ind)
            }
            Shape::Seq(e) => {
                let size = self.fixed(e).unwrap_or(1);
                self.enc_bytes(Some(Width::from_len(self.len_width)), size, v, out, ind)
            }
            Shape::Option(i) => {
                let _ = writeln!(
                    out,
                    "{ind}if (cap - p < 1) return {big}_ESHORT;\n{ind}out[p++] = {v}.present ? 1 : 0;\n{ind}if ({v}.present) {{\n{ind}    if ({p}_enc_depth(depth) < 0) return {big}_EDEPTH;"
                );
                self.enc(i, &format!("{v}.value"), out, &format!("{ind}    "));
                let _ = writeln!(out, "{ind}    (*depth)++;\n{ind}}}");
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
                    "{ind}{{ long n = {p}_{}_enc(&{v}, out + p, cap - p, depth); if (n < 0) return n; p += (size_t)n; }}",
                    self.names.ty(n)
                );
            }
            Shape::Adapted(a, i) => match (a, &**i) {
                (Adapter::NulTerminated, _) => {
                    self.enc_var(None, v, out, ind);
                    let _ = writeln!(
                        out,
                        "{ind}if (cap - p < 1) return {big}_ESHORT;\n{ind}out[p++] = 0;"
                    );
                }
                (Adapter::EmptyAsNone, Shape::Option(x)) => {
                    // netwire refuses a `Some` of no bytes: it would read
                    // back as `None`.
                    let _ = writeln!(out, "{ind}if ({v}.present) {{\n{ind}    size_t before = p;");
                    self.enc(x, &format!("{v}.value"), out, &format!("{ind}    "));
                    let _ = writeln!(
                        out,
                        "{ind}    if (p == before) return {big}_EINVAL;\n{ind}}}"
                    );
                }
                (Adapter::Len(w), s) if self.var(s) => self.enc_var(Some(*w), v, out, ind),
                (Adapter::Rest, s) if self.var(s) => self.enc_var(None, v, out, ind),
                (Adapter::Nullable(w), Shape::Option(inner)) if self.var(inner) => {
                    let n = w.size();
                    let _ = writeln!(
                        out,
                        "{ind}if (!{v}.present) {{\n{ind}    if (cap - p < {n}) return {big}_ESHORT;\n{ind}    memset(out + p, 0xff, {n});\n{ind}    p += {n};\n{ind}}} else {{"
                    );
                    let _ = writeln!(
                        out,
                        "{ind}    if ({p}_enc_depth(depth) < 0) return {big}_EDEPTH;"
                    );
                    self.enc_var(Some(*w), &format!("{v}.value"), out, &format!("{ind}    "));
                    let _ = writeln!(out, "{ind}    (*depth)++;\n{ind}}}");
                }
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
                (Adapter::Nullable(w), Shape::Option(inner)) => {
                    let size = match &**inner {
                        Shape::Seq(e) => self.fixed(e).unwrap_or(1),
                        _ => 1,
                    };
                    let n = w.size();
                    let _ = writeln!(
                        out,
                        "{ind}if (!{v}.present) {{\n{ind}    if (cap - p < {n}) return {big}_ESHORT;\n{ind}    memset(out + p, 0xff, {n});\n{ind}    p += {n};\n{ind}}} else {{"
                    );
                    let seq = !matches!(&**inner, Shape::Str | Shape::Bytes);
                    if seq {
                        let _ = writeln!(
                            out,
                            "{ind}    if ({p}_enc_depth(depth) < 0) return {big}_EDEPTH;"
                        );
                    }
                    self.enc_bytes(
                        Some(*w),
                        size,
                        &format!("{v}.value"),
                        out,
                        &format!("{ind}    "),
                    );
                    if seq {
                        let _ = writeln!(out, "{ind}    (*depth)++;");
                    }
                    let _ = writeln!(out, "{ind}}}");
                }
                _ => self.enc_bytes(None, 1, v, out, ind),
            },
            _ => {}
        }
    }

    /// A count (unless `None`), then the `v.size` bytes of a `<p>_seq`.
    fn enc_var(&mut self, w: Option<Width>, v: &str, out: &mut String, ind: &str) {
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
            "{ind}if (({v}.size > 0 && {v}.ptr == NULL) || {v}.size > cap - p) return {big}_ESHORT;\n{ind}if ({v}.size > 0) memcpy(out + p, {v}.ptr, {v}.size);\n{ind}p += {v}.size;"
        );
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
    /// can describe: numbers (128-bit ones as 16 big-endian bytes), bools,
    /// floats, `char` (a `uint32_t` code point), tuples and
    /// arrays, structs, enums (a `tag` and a union of the variants'
    /// fields), options, and views (`ptr`, `len`) borrowing from the input
    /// for strings, byte strings and sequences of fixed-size elements (a
    /// sequence's view holds its elements' wire bytes; `len` counts
    /// elements), a `<protocol>_seq` (`ptr`, `len`, `size`: the count and
    /// the wire bytes, every element checked by the decoder) for maps and
    /// sequences of variable-size elements, and the adapters `len_*`,
    /// `nullable_*` (a `present` flag and a view), `cstr`, `rest`,
    /// `nul_terminated` (a `<protocol>_seq` without its end mark) and
    /// `empty_as_none` (a `present` flag: not at the message's end). Numbers are assembled with
    /// explicit shifts; strings are checked to be UTF-8.
    ///
    /// Decoders return the bytes used, encoders the bytes written, or a
    /// negative error; `<protocol>_<Type>_decode_at(in, len, &value, &err)`
    /// also fills a `<protocol>_error` with the error's code and byte
    /// offset, as netwire's `Error::kind` and `Error::offset` give them
    /// (`<protocol>_error_name(code)` is the `ErrorKind` variant's name).
    /// Decoders keep netwire's limit (`<PROTOCOL>_LIMIT` bytes, as many
    /// sequence elements) and depth limit (`<PROTOCOL>_DEPTH`). A field
    /// that runs to the end of the message (`with::rest`) ends at `len`.
    /// `<protocol>_message` and its `_decode`, `_decode_at` and `_encode`
    /// name the protocol's message type. For a length, ASCII-digit or
    /// datagram framing, `<protocol>_frame_header(n, out, cap)` writes a
    /// frame header and `<protocol>_unframe(in, len, &payload, &n)` finds
    /// the first frame (0: more input needed). A stream with a preamble
    /// ([`Spec::preamble`]) starts with it, in each direction, before the
    /// first frame: `<protocol>_preamble` and its `_decode_at`, `_decode`
    /// and `_encode` name its type.
    ///
    /// Recursive types are carried without allocating: a field whose type
    /// can hold the field's own type is a pointer (`NULL` for an option's
    /// `None`) to a node the decoder takes from a caller's arena
    /// (`<protocol>_arena`: `mem`, `cap`, `used`; nodes aligned to
    /// `<PROTOCOL>_ALIGN`), so the decoders of every type that can hold
    /// one take `<protocol>_arena *arena` before `err`. A full arena is
    /// `<PROTOCOL>_EARENA` (`"ArenaFull"`: the arena's own limit, none of
    /// netwire's kinds) at the offset of the value that did not fit;
    /// when every node has a byte of its own (an enum's tag, an option's
    /// flag) `<PROTOCOL>_ARENA_SIZE(len)` bytes always suffice for a
    /// message of `len` bytes. A sequence of a recursive type stays a
    /// `<protocol>_seq` (its elements checked, their nodes given back).
    /// Decoding recurses at most `<PROTOCOL>_DEPTH` levels deep; encoders
    /// count the levels as the decoder does and refuse a value nested
    /// deeper (a cycle of pointers included) with `<PROTOCOL>_EDEPTH`.
    ///
    /// The types left out (with a shape the header has no form for) are
    /// listed at the top with the reason.
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
    ///
    /// #[derive(serde::Deserialize)]
    /// enum Expr { Num(i64), Neg(Box<Expr>), Add(Box<Expr>, Box<Expr>) }
    ///
    /// let h = Spec::new("calc", Config::new(), Framing::SelfDelimited)
    ///     .message::<Expr>()?
    ///     .c_header();
    /// assert!(h.contains("struct { calc_Expr *_0; calc_Expr *_1; } Add;"));
    /// assert!(h.contains("calc_Expr_decode_at(const uint8_t *in, size_t len, calc_Expr *out, calc_arena *arena, calc_error *err)"));
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    pub fn c_header(&self) -> String {
        let p = self.protocol.clone();
        let big = p.to_uppercase();
        let mut g = Gen {
            p: p.clone(),
            reg: &self.reg,
            names: CNames::new(&self.reg),
            len_width: self.config.length_width().size(),
            ok: BTreeMap::new(),
            why: BTreeMap::new(),
            tmp: 0,
            rec: BTreeMap::new(),
            arena: BTreeSet::new(),
            cur: BTreeSet::new(),
        };
        for n in self.reg.containers.keys() {
            let _ = g.supported(&Shape::Named(n.clone()), &mut Vec::new());
        }
        g.recursion();
        let recursive = !g.rec.is_empty();
        let mut out = String::from("/*\n");
        for line in self.header().lines() {
            let _ = writeln!(out, " * {}", comment(line));
        }
        out.push_str(" *\n * Decoders return the bytes used and encoders the bytes written, or a\n * negative error. Views borrow from the decoded buffer.\n");
        if g.why.is_empty() {
            out.push_str(" * Every type of the protocol is here.\n");
        } else {
            out.push_str(" *\n * Left out (no C form):\n");
            for (n, why) in &g.why {
                let _ = writeln!(out, " *   {}: holds {}", comment(n), comment(why));
            }
        }
        if recursive {
            let _ = write!(
                out,
                " *\n * Recursive types: a field whose type can hold the field's own type is\n\
                 \x20* a pointer (NULL for an option's None). The header allocates nothing:\n\
                 \x20* their decoders take each such value as a node from an arena the caller\n\
                 \x20* gives ({p}_arena: memory, its size, the bytes used), aligned to\n\
                 \x20* {big}_ALIGN; {big}_NODE_MAX bytes at most per node. A full arena is\n\
                 \x20* {big}_EARENA (\"ArenaFull\", the arena's limit, not netwire's) at the\n\
                 \x20* offset of the value that did not fit. Decoding recurses once per level,\n\
                 \x20* at most {big}_DEPTH levels; encoding counts the levels the same way and\n\
                 \x20* gives {big}_EDEPTH past them (a cycle of pointers included).\n"
            );
            if g.arena_bound() {
                let _ = write!(
                    out,
                    " * Every node starts with a byte of its own (a tag, an option's flag),\n\
                     \x20* so a message of `len` bytes takes at most {big}_ARENA_SIZE(len) bytes.\n"
                );
            }
            let ex = g
                .rec
                .keys()
                .next()
                .map(|n| format!("{p}_{}", g.names.ty(n)))
                .unwrap_or_default();
            let size = if g.arena_bound() {
                format!("{big}_ARENA_SIZE(1500)")
            } else {
                "1 << 16".to_string()
            };
            let _ = write!(
                out,
                " *\n *     static uint8_t mem[{size}];\n\
                 \x20*     {p}_arena arena = {{ mem, sizeof mem, 0 }};\n\
                 \x20*     {ex} v;\n\
                 \x20*     {p}_error err;\n\
                 \x20*     long n = {ex}_decode_at(buf, len, &v, &arena, &err);\n\
                 \x20*     if (n < 0) ... err.code, err.offset ...\n\
                 \x20*     ... v and its nodes (in mem) ...\n\
                 \x20*     arena.used = 0;   (every node freed at once)\n"
            );
        }
        let _ = writeln!(
            out,
            " */\n#ifndef {big}_NETWIRE_H\n#define {big}_NETWIRE_H\n\n#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n"
        );
        let _ = writeln!(
            out,
            "#define {big}_ESHORT (-1L) /* UnexpectedEnd: input (or output) too short */\n\
             #define {big}_EINVAL (-2L) /* a value this protocol cannot carry (encoding) */\n\
             #define {big}_EBOOL (-3L) /* InvalidBool */\n\
             #define {big}_EOPTION (-4L) /* InvalidOption */\n\
             #define {big}_ETAG (-5L) /* TagOutOfRange */\n\
             #define {big}_EUTF8 (-6L) /* InvalidUtf8 */\n\
             #define {big}_ENEGATIVE (-7L) /* NegativeLength */\n\
             #define {big}_ELIMIT (-8L) /* LengthOverLimit */\n\
             #define {big}_EDEPTH (-9L) /* DepthLimit */\n\
             #define {big}_ETRAILING (-10L) /* TrailingBytes */\n\
             #define {big}_ECHAR (-11L) /* InvalidChar */\n\
             #define {big}_EEMPTY (-12L) /* EmptyMessage: an element of no bytes before the end mark */\n\
             #define {big}_LIMIT UINT64_C({}) /* the most bytes of one message */\n\
             #define {big}_DEPTH {}u /* the most nested levels */\n",
            self.config.limit(),
            self.config.depth()
        );
        if recursive {
            let _ = writeln!(
                out,
                "#define {big}_EARENA (-13L) /* ArenaFull: the caller's arena is full (a C limit, not one of netwire's kinds) */\n"
            );
        }
        let _ = writeln!(
            out,
            "#define {big}_FINGERPRINT UINT64_C(0x{:016x}) /* the layout's fingerprint (Spec::fingerprint) */\n",
            self.fingerprint()
        );
        let _ = writeln!(
            out,
            "/** Bytes borrowed from a buffer: a string, byte string or the elements of a sequence (`len` counts elements). */\n\
             typedef struct {{ const uint8_t *ptr; size_t len; }} {p}_view;\n\n\
             /** The elements of a sequence of variable-size elements, or the entries of a map, borrowed from a buffer: `len` counts them, `size` is their bytes on the wire (decode each with its type's decoder). */\n\
             typedef struct {{ const uint8_t *ptr; size_t len; size_t size; }} {p}_seq;\n\n\
             /** Why a decoder failed: one of the negative codes above, and the byte offset. */\n\
             typedef struct {{ long code; size_t offset; }} {p}_error;\n\n{}\
             /** A decoder's state: the error, the levels and elements left, whether the input was cut at the limit{}. */\n\
             typedef struct {{ {p}_error *err; size_t depth; uint64_t elements; bool cut;{} }} {p}_state;\n",
            if recursive {
                format!(
                    "/** Memory the decoders take the nodes of recursive values from: `mem`, `cap` bytes of it, the first `used` of them taken. Set `used` back (to 0, or to what it was before a decode, which may have failed) to free the nodes taken since at once. */\n\
                     typedef struct {{ uint8_t *mem; size_t cap; size_t used; }} {p}_arena;\n\n\
                     typedef union {{ uint64_t u; double d; void *p; size_t s; }} {p}_max_align;\n\
                     typedef struct {{ char c; {p}_max_align a; }} {p}_align_probe;\n\
                     /** The alignment of every node. */\n\
                     #define {big}_ALIGN offsetof({p}_align_probe, a)\n\n"
                )
            } else {
                String::new()
            },
            if recursive { ", the arena" } else { "" },
            if recursive {
                format!(" {p}_arena *arena;")
            } else {
                String::new()
            },
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
        let mut runtime = RUNTIME.to_string();
        if recursive {
            runtime = runtime.replace(
                "    default: return \"Invalid\";",
                "    case P_EARENA: return \"ArenaFull\";\n    default: return \"Invalid\";",
            );
            runtime.push_str(ARENA_RUNTIME);
            runtime.push('\n');
        }
        out.push_str(
            &runtime
                .replace("P_", &format!("{big}_"))
                .replace("p_", &format!("{p}_")),
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
        // Recursive types: declared before every type, their functions
        // too (they call each other).
        for n in &order {
            if g.rec.contains_key(n) {
                let ty = format!("{p}_{}", g.names.ty(n));
                let _ = writeln!(
                    out,
                    "typedef struct {ty} {ty};\n\
                     static inline long {ty}_dec(const uint8_t *in, size_t len, size_t *pos, {ty} *out, {p}_state *st);\n\
                     static inline long {ty}_enc(const {ty} *v, uint8_t *out, size_t cap, size_t *depth);"
                );
            }
        }
        if !g.rec.is_empty() {
            out.push('\n');
        }
        let mut pending = BTreeSet::new();
        let mut pending_types = String::new();
        let mut pending_fns = String::new();
        for n in &order {
            let c = g.names.ty(n).to_string();
            let ty = format!("{p}_{c}");
            let doc = comment(n);
            g.cur = g.rec.get(n).cloned().unwrap_or_default();
            let group = !g.cur.is_empty();
            let mut t = String::new();
            let mut fns = String::new();
            if let Some(size) = g.fixed(&Shape::Named(n.clone())) {
                let _ = writeln!(t, "#define {}_SIZE {size}", ty.to_uppercase());
            }
            // A recursive type is declared (`typedef struct <ty> <ty>;`)
            // before every type.
            let (open, close) = if group {
                (format!("struct {ty} {{"), "};".to_string())
            } else {
                ("typedef struct {".to_string(), format!("}} {ty};"))
            };
            let mut dec = String::new();
            let mut enc = String::new();
            match &self.reg.containers[n] {
                Container::Struct(fields) => {
                    let _ = writeln!(t, "/** `{doc}`. */\n{open}");
                    let names = field_names(fields);
                    let shapes = fields.shapes();
                    if shapes.is_empty() {
                        t.push_str("    uint8_t unused; /* no fields on the wire */\n");
                    }
                    for (f, s) in names.iter().zip(&shapes) {
                        let _ = writeln!(t, "    {}", g.decl(s, f));
                    }
                    let _ = writeln!(t, "{close}\n");
                    if !matches!(fields, Fields::Unit) {
                        let _ =
                            writeln!(dec, "    if ({p}_enter(st, p) < 0) return st->err->code;");
                        let _ = writeln!(
                            enc,
                            "    if ({p}_enc_depth(depth) < 0) return {big}_EDEPTH;"
                        );
                    }
                    for (f, s) in names.iter().zip(&shapes) {
                        g.dec(s, &format!("out->{f}"), &mut dec, "    ");
                        g.enc(s, &format!("v->{f}"), &mut enc, "    ");
                    }
                    if shapes.is_empty() {
                        dec.push_str("    out->unused = 0;\n");
                    }
                    if !matches!(fields, Fields::Unit) {
                        dec.push_str("    st->depth++;\n");
                        enc.push_str("    (*depth)++;\n");
                    }
                }
                Container::Enum {
                    tag_width,
                    variants,
                    ..
                } => {
                    let vnames = &g.names.variants[n].clone();
                    for (v, (_, mac)) in variants.iter().zip(vnames) {
                        let _ = writeln!(
                            t,
                            "#define {p_up}_{} UINT32_C({}) /* tag of `{doc}::{}` */",
                            mac.to_uppercase(),
                            v.tag,
                            comment(&v.name),
                            p_up = big
                        );
                    }
                    let _ = writeln!(
                        t,
                        "/** `{doc}`: `tag` says which member of `v` holds the variant's fields. */\n{open}\n    uint32_t tag;"
                    );
                    let with_fields: Vec<_> = variants
                        .iter()
                        .zip(vnames)
                        .filter(|(v, _)| !matches!(v.fields, Some(Fields::Unit) | None))
                        .collect();
                    if !with_fields.is_empty() {
                        t.push_str("    union {\n");
                        for (v, (member, _)) in &with_fields {
                            let f = v.fields.as_ref().unwrap_or(&Fields::Unit);
                            let mut decls: Vec<_> = field_names(f)
                                .iter()
                                .zip(f.shapes())
                                .map(|(nm, s)| g.decl(s, nm))
                                .collect();
                            if decls.is_empty() {
                                decls.push("uint8_t unused;".into());
                            }
                            let _ =
                                writeln!(t, "        struct {{ {} }} {member};", decls.join(" "));
                        }
                        t.push_str("    } v;\n");
                    }
                    let _ = writeln!(t, "{close}\n");
                    let tw = *tag_width;
                    let _ = writeln!(
                        dec,
                        "    {{ size_t start = p;\n      if (len - p < {tw}) return {p}_short(st, p, (uint64_t)p + {tw});\n      out->tag = (uint32_t){}(in + p);\n      p += {tw};\n      switch (out->tag) {{",
                        g.rd(tw)
                    );
                    let _ = writeln!(
                        enc,
                        "    if (cap < {tw}) return {big}_ESHORT;\n    p = {tw};\n    switch (v->tag) {{"
                    );
                    for (v, (member, mac)) in variants.iter().zip(vnames) {
                        let case = format!("{big}_{}", mac.to_uppercase());
                        let _ = writeln!(dec, "      case {case}:");
                        let _ = writeln!(enc, "    case {case}:");
                        let f = v.fields.as_ref().unwrap_or(&Fields::Unit);
                        let fields_names = field_names(f);
                        if !matches!(f, Fields::Unit) {
                            let _ = writeln!(
                                dec,
                                "        if ({p}_enter(st, p) < 0) return st->err->code;"
                            );
                            let _ = writeln!(
                                enc,
                                "        if ({p}_enc_depth(depth) < 0) return {big}_EDEPTH;"
                            );
                        }
                        if fields_names.is_empty() && !matches!(f, Fields::Unit) {
                            let _ = writeln!(dec, "        out->v.{member}.unused = 0;");
                        }
                        for (nm, s) in fields_names.iter().zip(f.shapes()) {
                            g.dec(s, &format!("out->v.{member}.{nm}"), &mut dec, "        ");
                            g.enc(s, &format!("v->v.{member}.{nm}"), &mut enc, "        ");
                        }
                        if !matches!(f, Fields::Unit) {
                            dec.push_str("        st->depth++;\n");
                            enc.push_str("        (*depth)++;\n");
                        }
                        dec.push_str("        break;\n");
                        enc.push_str("        break;\n");
                    }
                    let _ = writeln!(
                        dec,
                        "      default:\n        return {p}_fail(st, {big}_ETAG, start);\n      }}\n    }}"
                    );
                    let _ = writeln!(
                        enc,
                        "    default:\n        return {big}_EINVAL;\n    }}\n    {}(out, (uint{}_t)v->tag);",
                        g.wr(tw),
                        tw * 8
                    );
                }
            }
            let (arena_param, arena_arg, arena_set, arena_doc) = if g.arena.contains(n) {
                (
                    format!(" {p}_arena *arena,"),
                    " arena,",
                    " st.arena = arena;",
                    " Values of recursive types are nodes taken from `*arena`.",
                )
            } else if g.rec.is_empty() {
                (String::new(), "", "", "")
            } else {
                (String::new(), "", " st.arena = NULL;", "")
            };
            let _ = writeln!(
                fns,
                "static inline long {ty}_dec(const uint8_t *in, size_t len, size_t *pos, {ty} *out, {p}_state *st) {{\n    size_t p = *pos;\n    (void)in; (void)len; (void)out; (void)st;\n{dec}    *pos = p;\n    return 0;\n}}\n"
            );
            let _ = writeln!(
                fns,
                "/** Decodes a `{doc}` from the front of `in`; returns the bytes used, or a negative error whose code and offset are in `*err`.{arena_doc} */\n\
                 static inline long {ty}_decode_at(const uint8_t *in, size_t len, {ty} *out,{arena_param} {p}_error *err) {{\n\
                 \x20   {p}_state st;\n    size_t p = 0;\n    st.err = err; st.depth = {big}_DEPTH; st.elements = {big}_LIMIT; st.cut = (uint64_t)len > {big}_LIMIT;{arena_set}\n\
                 \x20   err->code = 0; err->offset = 0;\n    if (st.cut) len = (size_t){big}_LIMIT;\n\
                 \x20   if ({ty}_dec(in, len, &p, out, &st) < 0) return err->code;\n    return (long)p;\n}}\n\n\
                 /** Decodes a `{doc}` from the front of `in`; returns the bytes used or a negative error.{arena_doc} */\n\
                 static inline long {ty}_decode(const uint8_t *in, size_t len, {ty} *out{}) {{\n    {p}_error err;\n    return {ty}_decode_at(in, len, out,{arena_arg} &err);\n}}\n",
                if arena_arg.is_empty() {
                    String::new()
                } else {
                    format!(", {p}_arena *arena")
                }
            );
            let _ = writeln!(
                fns,
                "static inline long {ty}_enc(const {ty} *v, uint8_t *out, size_t cap, size_t *depth) {{\n    size_t p = 0;\n    (void)v; (void)out; (void)cap; (void)depth;\n{enc}    return (long)p;\n}}\n\n\
                 /** Encodes `*v` into `out`; returns the bytes written or a negative error. */\nstatic inline long {ty}_encode(const {ty} *v, uint8_t *out, size_t cap) {{\n    size_t depth = {big}_DEPTH;\n    return {ty}_enc(v, out, cap, &depth);\n}}\n"
            );
            if group {
                // A recursive group: every struct, then the functions,
                // once its last type is generated.
                pending_types.push_str(&t);
                pending_fns.push_str(&fns);
                pending.insert(n.clone());
                if g.cur.iter().all(|m| pending.contains(m)) {
                    out.push_str(&std::mem::take(&mut pending_types));
                    out.push_str(&std::mem::take(&mut pending_fns));
                }
            } else {
                out.push_str(&t);
                out.push_str(&fns);
            }
        }
        g.cur.clear();
        if recursive {
            let sizes: Vec<String> = g
                .rec
                .keys()
                .map(|n| {
                    format!(
                        "((sizeof({p}_{}) + {big}_ALIGN - 1) / {big}_ALIGN * {big}_ALIGN)",
                        g.names.ty(n)
                    )
                })
                .collect();
            let max = sizes
                .iter()
                .skip(1)
                .fold(sizes[0].clone(), |a, b| format!("({a} > {b} ? {a} : {b})"));
            let _ = writeln!(
                out,
                "/** The most bytes one node takes from an arena. */\n#define {big}_NODE_MAX {max}"
            );
            if g.arena_bound() {
                let _ = writeln!(
                    out,
                    "/** The most bytes of arena a message of `len` bytes takes (every node has a byte of its own; one more node may be asked for before the input runs out). */\n\
                     #define {big}_ARENA_SIZE(len) (((size_t)(len) + 1) * {big}_NODE_MAX + {big}_ALIGN)"
                );
            }
            out.push('\n');
        }
        // The arena parameter and argument of a type's decoders.
        let arena_of = |n: &str| {
            if g.arena.contains(n) {
                (format!(" {p}_arena *arena,"), " arena,")
            } else {
                (String::new(), "")
            }
        };
        if let Some(first) = self.message_names().first()
            && g.ok.get(*first).copied().unwrap_or(false)
        {
            let ty = format!("{p}_{}", g.names.ty(first));
            let (ap, aa) = arena_of(first);
            let (dp, da) = (ap.trim_end_matches(','), aa.trim_end_matches(','));
            let (dp, da) = if dp.is_empty() {
                (String::new(), String::new())
            } else {
                (format!(",{dp}"), format!(",{da}"))
            };
            let _ = writeln!(
                out,
                "/** The protocol's message: `{}`. */\ntypedef {ty} {p}_message;\n\
                 static inline long {p}_message_decode_at(const uint8_t *in, size_t len, {p}_message *out,{ap} {p}_error *err) {{ return {ty}_decode_at(in, len, out,{aa} err); }}\n\
                 static inline long {p}_message_decode(const uint8_t *in, size_t len, {p}_message *out{dp}) {{ return {ty}_decode(in, len, out{da}); }}\n\
                 static inline long {p}_message_encode(const {p}_message *v, uint8_t *out, size_t cap) {{ return {ty}_encode(v, out, cap); }}\n",
                comment(first)
            );
        }
        if let Some(pre) = &self.preamble {
            if g.ok.get(pre).copied().unwrap_or(false) {
                let ty = format!("{p}_{}", g.names.ty(pre));
                let (ap, aa) = arena_of(pre);
                let (dp, da) = (ap.trim_end_matches(','), aa.trim_end_matches(','));
                let (dp, da) = if dp.is_empty() {
                    (String::new(), String::new())
                } else {
                    (format!(",{dp}"), format!(",{da}"))
                };
                let _ = writeln!(
                    out,
                    "/** The preamble: one `{}` at the start of each direction of a stream, before the first frame; decode it with `{p}_preamble_decode_at` (its end is found by decoding it), then unframe the messages after it. */\n\
                     typedef {ty} {p}_preamble;\n\
                     static inline long {p}_preamble_decode_at(const uint8_t *in, size_t len, {p}_preamble *out,{ap} {p}_error *err) {{ return {ty}_decode_at(in, len, out,{aa} err); }}\n\
                     static inline long {p}_preamble_decode(const uint8_t *in, size_t len, {p}_preamble *out{dp}) {{ return {ty}_decode(in, len, out{da}); }}\n\
                     static inline long {p}_preamble_encode(const {p}_preamble *v, uint8_t *out, size_t cap) {{ return {ty}_encode(v, out, cap); }}\n",
                    comment(pre)
                );
            } else {
                let _ = writeln!(
                    out,
                    "/* The preamble: one `{}` at the start of each direction of a stream, before the first frame (left out of this header: see above). */\n",
                    comment(pre)
                );
            }
        }
        out.push_str(&self.c_framing());
        let _ = writeln!(out, "#endif /* {big}_NETWIRE_H */");
        out
    }
}

impl Spec {
    /// `<p>_frame_header` and `<p>_unframe` for the framing (none for a
    /// self-delimited stream, where decoding finds each message's end).
    fn c_framing(&self) -> String {
        let p = &self.protocol;
        let big = p.to_uppercase();
        let (head, write, read) = match self.framing {
            Framing::SelfDelimited => return String::new(),
            Framing::Datagram => (0, String::new(), "    n = (uint64_t)len;\n".to_string()),
            Framing::LengthPrefix {
                width,
                includes_header,
            } => {
                let w = width.size();
                let adj = if includes_header { w } else { 0 };
                let max = if w == 8 {
                    "UINT64_MAX".to_string()
                } else {
                    format!("UINT64_C({})", (1u64 << (8 * w)) - 1)
                };
                let mut write = if w == 8 {
                    format!("    v = (uint64_t)n + {adj};\n")
                } else {
                    format!(
                        "    if ((uint64_t)n > {max} - {adj}) return {big}_ELIMIT;\n    v = (uint64_t)n + {adj};\n"
                    )
                };
                for i in 0..w {
                    let _ = writeln!(write, "    out[{i}] = (uint8_t)(v >> {});", 8 * (w - 1 - i));
                }
                let mut read = String::from("    n = 0;\n");
                for i in 0..w {
                    let _ = writeln!(read, "    n = n << 8 | in[{i}];");
                }
                if adj > 0 {
                    let _ = writeln!(
                        read,
                        "    if (n < {adj}) return {big}_ELIMIT;\n    n -= {adj};"
                    );
                }
                (w, write, read)
            }
            Framing::AsciiDigits(d) => {
                let write = format!(
                    "    v = (uint64_t)n;\n    for (size_t i = {d}; i > 0; i--) {{ out[i - 1] = (uint8_t)('0' + v % 10); v /= 10; }}\n    if (v != 0) return {big}_ELIMIT;\n"
                );
                let read = format!(
                    "    n = 0;\n    for (size_t i = 0; i < {d}; i++) {{\n        if (in[i] < '0' || in[i] > '9') return {big}_EINVAL;\n        n = n * 10 + (uint64_t)(in[i] - '0');\n    }}\n"
                );
                (d, write, read)
            }
        };
        let (cap_check, len_check) = if head == 0 {
            (String::new(), String::new())
        } else {
            (
                format!("    if (cap < {head}) return {big}_ESHORT;\n"),
                format!("    if (len < {head}) return 0;\n"),
            )
        };
        format!(
            "/** Writes the frame header of a payload of `n` bytes to `out`; returns its size ({head}) or a negative error. */\n\
             static inline long {p}_frame_header(size_t n, uint8_t *out, size_t cap) {{\n    uint64_t v = 0;\n    (void)v; (void)out;\n\
             \x20   (void)cap;\n    if ((uint64_t)n > {big}_LIMIT) return {big}_ELIMIT;\n{cap_check}{write}    return {head};\n}}\n\n\
             /** Finds the first frame in `in`: sets `*payload` and `*payload_len`, returns the bytes the frame takes, 0 when more input is needed, or a negative error ({big}_ELIMIT: over the limit; the stream cannot be followed). */\n\
             static inline long {p}_unframe(const uint8_t *in, size_t len, const uint8_t **payload, size_t *payload_len) {{\n    uint64_t n;\n\
             {len_check}{read}\
             \x20   if (n > {big}_LIMIT) return {big}_ELIMIT;\n    if (len - {head} < n) return 0;\n\
             \x20   *payload = in + {head};\n    *payload_len = (size_t)n;\n    return (long)({head} + n);\n}}\n\n"
        )
    }
}

/// The arena's allocator, in headers with recursive types.
const ARENA_RUNTIME: &str = r#"/* A node of `size` bytes from the arena, aligned to P_ALIGN; NULL when the arena is full. */
static inline void *p_alloc(p_state *st, size_t size) {
    p_arena *a = st->arena;
    size_t pad, need;
    if (a == NULL || a->mem == NULL || a->used > a->cap) return NULL;
    pad = (size_t)((P_ALIGN - (uintptr_t)(a->mem + a->used) % P_ALIGN) % P_ALIGN);
    need = size + (P_ALIGN - size % P_ALIGN) % P_ALIGN;
    if (pad > a->cap - a->used || need > a->cap - a->used - pad) return NULL;
    a->used += pad + need;
    return a->mem + (a->used - need);
}
"#;

/// The header's helpers (`p_`/`P_` become the protocol's prefix).
const RUNTIME: &str = r#"static inline long p_fail(p_state *st, long code, size_t at) { st->err->code = code; st->err->offset = at; return code; }
/* The input ends before `end`: past the limit, or just short. */
static inline long p_short(p_state *st, size_t at, uint64_t end) { return p_fail(st, end > P_LIMIT ? P_ELIMIT : P_ESHORT, at); }
static inline uint64_t p_end(size_t p, uint64_t count) { return count > UINT64_MAX - p ? UINT64_MAX : (uint64_t)p + count; }
static inline long p_enter(p_state *st, size_t at) { if (st->depth == 0) return p_fail(st, P_EDEPTH, at); st->depth--; return 0; }
static inline long p_charge(p_state *st, uint64_t n, size_t at) { if (n > st->elements) return p_fail(st, P_ELIMIT, at); st->elements -= n; return 0; }
/* An encoder's level: none left is P_EDEPTH, as the decoder would say. */
static inline long p_enc_depth(size_t *depth) { if (*depth == 0) return P_EDEPTH; (*depth)--; return 0; }
/* Whether the `n` bytes at `s` are UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
static inline bool p_utf8(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t w;
        uint8_t lo = 0x80, hi = 0xBF;
        if (b < 0x80) { i++; continue; }
        else if (b >= 0xC2 && b <= 0xDF) w = 2;
        else if (b >= 0xE0 && b <= 0xEF) { w = 3; if (b == 0xE0) lo = 0xA0; if (b == 0xED) hi = 0x9F; }
        else if (b >= 0xF0 && b <= 0xF4) { w = 4; if (b == 0xF0) lo = 0x90; if (b == 0xF4) hi = 0x8F; }
        else return false;
        if (n - i < w) return false;
        if (s[i + 1] < lo || s[i + 1] > hi) return false;
        for (size_t k = 2; k < w; k++) if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
        i += w;
    }
    return true;
}
/* The width of the UTF-8 sequence a byte starts (0: none does). */
static inline size_t p_char_width(uint8_t b) {
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) return 2;
    if (b >= 0xE0 && b <= 0xEF) return 3;
    if (b >= 0xF0 && b <= 0xF4) return 4;
    return 0;
}
/* The code point of the checked UTF-8 sequence of `w` bytes at `s`. */
static inline uint32_t p_char_value(const uint8_t *s, size_t w) {
    uint32_t c = w == 1 ? s[0] : w == 2 ? (uint32_t)(s[0] & 0x1F) : w == 3 ? (uint32_t)(s[0] & 0x0F) : (uint32_t)(s[0] & 0x07);
    for (size_t i = 1; i < w; i++) c = c << 6 | (uint32_t)(s[i] & 0x3F);
    return c;
}
/* Writes the UTF-8 of `c` to `o`; its width, or 0 when `c` is no Unicode scalar value. */
static inline size_t p_char_put(uint32_t c, uint8_t *o) {
    if (c < 0x80) { o[0] = (uint8_t)c; return 1; }
    if (c < 0x800) { o[0] = (uint8_t)(0xC0 | c >> 6); o[1] = (uint8_t)(0x80 | (c & 0x3F)); return 2; }
    if (c >= 0xD800 && c <= 0xDFFF) return 0;
    if (c < 0x10000) { o[0] = (uint8_t)(0xE0 | c >> 12); o[1] = (uint8_t)(0x80 | (c >> 6 & 0x3F)); o[2] = (uint8_t)(0x80 | (c & 0x3F)); return 3; }
    if (c > 0x10FFFF) return 0;
    o[0] = (uint8_t)(0xF0 | c >> 18); o[1] = (uint8_t)(0x80 | (c >> 12 & 0x3F)); o[2] = (uint8_t)(0x80 | (c >> 6 & 0x3F)); o[3] = (uint8_t)(0x80 | (c & 0x3F));
    return 4;
}
/** The name of netwire's `ErrorKind` for an error code. */
static inline const char *p_error_name(long code) {
    switch (code) {
    case P_ESHORT: return "UnexpectedEnd";
    case P_EBOOL: return "InvalidBool";
    case P_EOPTION: return "InvalidOption";
    case P_ETAG: return "TagOutOfRange";
    case P_EUTF8: return "InvalidUtf8";
    case P_ENEGATIVE: return "NegativeLength";
    case P_ELIMIT: return "LengthOverLimit";
    case P_EDEPTH: return "DepthLimit";
    case P_ETRAILING: return "TrailingBytes";
    case P_ECHAR: return "InvalidChar";
    case P_EEMPTY: return "EmptyMessage";
    default: return "Invalid";
    }
}

"#;

/// Per type, the types it holds, directly or not.
fn reaches(reg: &Registry) -> BTreeMap<String, BTreeSet<String>> {
    let edges: BTreeMap<&String, Vec<String>> = reg
        .containers
        .iter()
        .map(|(n, c)| {
            let mut deps = Vec::new();
            for s in container_shapes(c) {
                collect_named(s, &mut deps);
            }
            (n, deps)
        })
        .collect();
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = vec![from];
        while let Some(n) = todo.pop() {
            for d in edges.get(n).into_iter().flatten() {
                if seen.insert(d.clone()) {
                    todo.push(d);
                }
            }
        }
        seen
    };
    edges.keys().map(|n| ((*n).clone(), reach(n))).collect()
}

/// Every field shape of a struct or enum.
fn container_shapes(c: &Container) -> Vec<&Shape> {
    match c {
        Container::Struct(f) => f.shapes(),
        Container::Enum { variants, .. } => variants
            .iter()
            .filter_map(|v| v.fields.as_ref())
            .flat_map(Fields::shapes)
            .collect(),
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

#[cfg(test)]
mod tests {
    use crate::net::Config;
    use crate::spec::{Framing, Spec};

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Arena {
        x: u8,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    enum List {
        Nil,
        Cons(u8, Box<List>),
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Both {
        a: Arena,
        l: List,
    }

    fn header<T: serde::de::DeserializeOwned>() -> String {
        Spec::new("p", Config::new(), Framing::Datagram)
            .message::<T>()
            .expect("traces")
            .c_header()
    }

    /// A header without recursive types declares no arena, so a type
    /// keeps a name the arena would take; with one, the arena's names win.
    #[test]
    fn arena_names_are_taken_only_by_headers_with_recursive_types() {
        let h = header::<Arena>();
        assert!(h.contains("} p_Arena;"), "{h}");
        assert!(h.contains("#define P_ARENA_SIZE 1"), "{h}");
        assert!(!h.contains("p_arena"), "{h}");
        let h = header::<Both>();
        assert!(h.contains("} p_Arena_2;"), "{h}");
        assert!(h.contains("#define P_ARENA_2_SIZE 1"), "{h}");
        assert!(h.contains("#define P_ARENA_SIZE(len)"), "{h}");
        assert!(
            h.contains("struct { uint8_t _0; p_List *_1; } Cons;"),
            "{h}"
        );
        // `Both` holds a `List`: its decoders take the arena too.
        assert!(
            h.contains("p_Both_decode(const uint8_t *in, size_t len, p_Both *out, p_arena *arena)"),
            "{h}"
        );
        assert!(
            h.contains("p_Arena_2_decode(const uint8_t *in, size_t len, p_Arena_2 *out) {"),
            "{h}"
        );
    }
}
