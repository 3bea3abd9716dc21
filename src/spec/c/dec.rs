//! The decoders: the statements that read each shape, step by step as
//! netwire reads it (each item checks its own bytes at its own offset,
//! lengths are charged to the element budget, each nested level to the
//! depth limit), and each type's `_dec`, `_decode_at` and `_decode`.

use std::fmt::Write as _;

use super::naming::prim_c;
use super::support::Gen;
use crate::spec::names::comment;
use crate::spec::trace::{Prim, Shape};
use crate::with::{Adapter, Width};

impl Gen<'_> {
    pub(super) fn rd(&self, size: usize) -> String {
        format!("{}_rd{}", self.p, size * 8)
    }

    /// `if` the `n` bytes at `p` are not there, the error.
    pub(super) fn need(&self, n: usize, out: &mut String, ind: &str) {
        let _ = writeln!(
            out,
            "{ind}if (len - p < {n}) return {p}_short(st, p, (uint64_t)p + {n});",
            p = self.p
        );
    }

    /// Decoding statements of `s` into the lvalue `lv`.
    pub(super) fn dec(&mut self, s: &Shape, lv: &str, out: &mut String, ind: &str) {
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
            Shape::Str => self.dec_bytes(self.len_width, true, lv, out, ind),
            Shape::Bytes => self.dec_bytes(self.len_width, false, lv, out, ind),
            Shape::Seq(e) => self.dec_seq(Some(self.len_width), &[&**e], lv, out, ind),
            Shape::Map(k, v) => self.dec_seq(Some(self.len_width), &[&**k, &**v], lv, out, ind),
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
                    self.dec_dropped(e, "elem0", out, &format!("{ind}      "));
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
                self.dec_dropped(s, &name, out, &format!("{ind}    "));
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
        self.dec_dropped(e, "elem", out, &format!("{ind}    "));
        let _ = writeln!(
            out,
            "{ind}    (void)elem;\n{ind}    count++;\n{ind}}}\n{ind}{lv}.len = (size_t)count;\n{ind}st->depth++;"
        );
        if !matches!(self.fixed(e), Some(n) if n > 0) {
            let _ = writeln!(out, "{ind}{lv}.size = (size_t)((in + p) - {lv}.ptr);");
        }
    }

    /// Decoding statements of an element that is checked and dropped:
    /// the nodes it takes from the arena are given back after it.
    fn dec_dropped(&mut self, s: &Shape, lv: &str, out: &mut String, ind: &str) {
        let mark = self.mark(s, out, ind);
        self.dec(s, lv, out, ind);
        self.release(mark, out, ind);
    }

    /// The decoder functions of the type `n`, C name `ty`, around the
    /// statements `dec`.
    pub(super) fn dec_fns(&self, n: &str, ty: &str, dec: &str) -> String {
        let p = &self.p;
        let big = p.to_uppercase();
        let doc = comment(n);
        let mut fns = String::new();
        let (arena_param, arena_arg, arena_set, arena_doc) = if self.arena.contains(n) {
            (
                format!(" {p}_arena *arena,"),
                " arena,",
                " st.arena = arena;",
                " Values of recursive types are nodes taken from `*arena`.",
            )
        } else if self.rec.is_empty() {
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
        fns
    }
}
