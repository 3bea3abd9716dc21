//! Every type of the header in dependency order: its declaration, then
//! its decoder and encoder functions; the types of a recursive group are
//! all declared before the functions of any of them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::arena::collect_named;
use super::naming::field_names;
use super::support::Gen;
use crate::spec::trace::{Container, Fields, Registry, Shape};

impl Gen<'_> {
    /// The types with a C form, each after the types it holds.
    fn order(&self) -> Vec<String> {
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
            visit(n, self.reg, &self.ok, &mut done, &mut order);
        }
        order
    }

    /// The declarations and functions of every type with a C form.
    pub(super) fn types(&mut self, out: &mut String) {
        let order = self.order();
        self.forward_decls(&order, out);
        let mut pending = BTreeSet::new();
        let mut pending_types = String::new();
        let mut pending_fns = String::new();
        for n in &order {
            let ty = format!("{}_{}", self.p, self.names.ty(n));
            self.cur = self.rec.get(n).cloned().unwrap_or_default();
            let group = !self.cur.is_empty();
            let t = self.type_decl(n, &ty, group);
            let (dec, enc) = self.bodies(n);
            let mut fns = self.dec_fns(n, &ty, &dec);
            fns.push_str(&self.enc_fns(&ty, &enc));
            if group {
                // A recursive group: every struct, then the functions,
                // once its last type is generated.
                pending_types.push_str(&t);
                pending_fns.push_str(&fns);
                pending.insert(n.clone());
                if self.cur.iter().all(|m| pending.contains(m)) {
                    out.push_str(&std::mem::take(&mut pending_types));
                    out.push_str(&std::mem::take(&mut pending_fns));
                }
            } else {
                out.push_str(&t);
                out.push_str(&fns);
            }
        }
        self.cur.clear();
    }

    /// The decoding and encoding statements of the type `n`'s fields (a
    /// struct's, or each variant's under a `switch` on the tag), made
    /// field by field so that both count their loops alike.
    fn bodies(&mut self, n: &str) -> (String, String) {
        let p = self.p.clone();
        let big = p.to_uppercase();
        let reg = self.reg;
        let mut dec = String::new();
        let mut enc = String::new();
        match &reg.containers[n] {
            Container::Struct(fields) => {
                let names = field_names(fields);
                let shapes = fields.shapes();
                if !matches!(fields, Fields::Unit) {
                    let _ = writeln!(dec, "    if ({p}_enter(st, p) < 0) return st->err->code;");
                    let _ = writeln!(
                        enc,
                        "    if ({p}_enc_depth(depth) < 0) return {big}_EDEPTH;"
                    );
                }
                for (f, s) in names.iter().zip(&shapes) {
                    self.dec(s, &format!("out->{f}"), &mut dec, "    ");
                    self.enc(s, &format!("v->{f}"), &mut enc, "    ");
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
                let vnames = &self.names.variants[n].clone();
                let tw = *tag_width;
                let _ = writeln!(
                    dec,
                    "    {{ size_t start = p;\n      if (len - p < {tw}) return {p}_short(st, p, (uint64_t)p + {tw});\n      out->tag = (uint32_t){}(in + p);\n      p += {tw};\n      switch (out->tag) {{",
                    self.rd(tw)
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
                        self.dec(s, &format!("out->v.{member}.{nm}"), &mut dec, "        ");
                        self.enc(s, &format!("v->v.{member}.{nm}"), &mut enc, "        ");
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
                    self.wr(tw),
                    tw * 8
                );
            }
        }
        (dec, enc)
    }
}
