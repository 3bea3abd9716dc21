//! The encoders: the statements that write each shape, refusing what the
//! decoder would refuse (a level too deep, a cycle of pointers, a value
//! the wire cannot carry), and each type's `_enc` and `_encode`.

use std::fmt::Write as _;

use super::support::Gen;
use crate::spec::trace::{Prim, Shape};
use crate::with::{Adapter, Width};

impl Gen<'_> {
    pub(super) fn wr(&self, size: usize) -> String {
        format!("{}_wr{}", self.p, size * 8)
    }

    /// Encoding statements of the value `v` of shape `s`.
    ///
    /// `*depth` counts the levels left as the decoder counts them, so
    /// that nothing is written that the decoder would refuse as too deep
    /// (and a cycle of pointers ends in `<P>_EDEPTH`).
    pub(super) fn enc(&mut self, s: &Shape, v: &str, out: &mut String, ind: &str) {
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
            Shape::Str | Shape::Bytes => self.enc_bytes(Some(self.len_width), 1, v, out, ind),
            s @ (Shape::Seq(_) | Shape::Map(..)) if self.var(s) => {
                self.enc_var(Some(self.len_width), v, out, ind)
            }
            Shape::Seq(e) => {
                let size = self.fixed(e).unwrap_or(1);
                self.enc_bytes(Some(self.len_width), size, v, out, ind)
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
                    self.enc_absent(*w, v, out, ind);
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
                    self.enc_absent(*w, v, out, ind);
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
            self.enc_count(w, v, out, ind);
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
            self.enc_count(w, v, out, ind);
        }
        let _ = writeln!(
            out,
            "{ind}if (({v}.len > 0 && {v}.ptr == NULL) || {v}.len > (cap - p) / {size}) return {big}_ESHORT;\n{ind}if ({v}.len > 0) memcpy(out + p, {v}.ptr, {v}.len * {size});\n{ind}p += {v}.len * {size};"
        );
    }

    /// `v.len` as a count of width `w` (`<P>_EINVAL` if it does not fit).
    fn enc_count(&self, w: Width, v: &str, out: &mut String, ind: &str) {
        let big = self.p.to_uppercase();
        let n = w.size();
        let _ = writeln!(
            out,
            "{ind}if ((uint64_t){v}.len > UINT64_C({})) return {big}_EINVAL;\n{ind}if (cap - p < {n}) return {big}_ESHORT;\n{ind}{wr}(out + p, (uint{b}_t){v}.len);\n{ind}p += {n};",
            w.max(),
            wr = self.wr(n),
            b = n * 8
        );
    }

    /// A nullable's `None` (a count of -1 in width `w`), and the `else`
    /// its `Some` goes into.
    fn enc_absent(&self, w: Width, v: &str, out: &mut String, ind: &str) {
        let big = self.p.to_uppercase();
        let n = w.size();
        let _ = writeln!(
            out,
            "{ind}if (!{v}.present) {{\n{ind}    if (cap - p < {n}) return {big}_ESHORT;\n{ind}    memset(out + p, 0xff, {n});\n{ind}    p += {n};\n{ind}}} else {{"
        );
    }

    /// The encoder functions of the C type `ty`, around the statements
    /// `enc`.
    pub(super) fn enc_fns(&self, ty: &str, enc: &str) -> String {
        let big = self.p.to_uppercase();
        let mut fns = String::new();
        let _ = writeln!(
            fns,
            "static inline long {ty}_enc(const {ty} *v, uint8_t *out, size_t cap, size_t *depth) {{\n    size_t p = 0;\n    (void)v; (void)out; (void)cap; (void)depth;\n{enc}    return (long)p;\n}}\n\n\
                 /** Encodes `*v` into `out`; returns the bytes written or a negative error. */\nstatic inline long {ty}_encode(const {ty} *v, uint8_t *out, size_t cap) {{\n    size_t depth = {big}_DEPTH;\n    return {ty}_enc(v, out, cap, &depth);\n}}\n"
        );
        fns
    }
}
