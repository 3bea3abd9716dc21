//! The C declarations: a member of each shape, the struct or tagged
//! union of each type, and the forward declarations of recursive types.

use std::fmt::Write as _;

use super::naming::{field_names, prim_c};
use super::support::Gen;
use crate::spec::names::comment;
use crate::spec::trace::{Container, Fields, Prim, Shape};
use crate::with::Adapter;

impl Gen<'_> {
    /// The C declaration of a member `name` of shape `s`.
    pub(super) fn decl(&self, s: &Shape, name: &str) -> String {
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

    /// Recursive types: declared before every type, their functions
    /// too (they call each other).
    pub(super) fn forward_decls(&self, order: &[String], out: &mut String) {
        let p = &self.p;
        for n in order {
            if self.rec.contains_key(n) {
                let ty = format!("{p}_{}", self.names.ty(n));
                let _ = writeln!(
                    out,
                    "typedef struct {ty} {ty};\n\
                     static inline long {ty}_dec(const uint8_t *in, size_t len, size_t *pos, {ty} *out, {p}_state *st);\n\
                     static inline long {ty}_enc(const {ty} *v, uint8_t *out, size_t cap, size_t *depth);"
                );
            }
        }
        if !self.rec.is_empty() {
            out.push('\n');
        }
    }

    /// `<P>_<TYPE>_SIZE` (when the type has one size) and the struct of
    /// the type `n`, C name `ty`; `group`: a recursive type, declared
    /// before as `typedef struct <ty> <ty>;`.
    pub(super) fn type_decl(&self, n: &str, ty: &str, group: bool) -> String {
        let big = self.p.to_uppercase();
        let doc = comment(n);
        let mut t = String::new();
        if let Some(size) = self.fixed(&Shape::Named(n.to_string())) {
            let _ = writeln!(t, "#define {}_SIZE {size}", ty.to_uppercase());
        }
        // A recursive type is declared (`typedef struct <ty> <ty>;`)
        // before every type.
        let (open, close) = if group {
            (format!("struct {ty} {{"), "};".to_string())
        } else {
            ("typedef struct {".to_string(), format!("}} {ty};"))
        };
        match &self.reg.containers[n] {
            Container::Struct(fields) => {
                let _ = writeln!(t, "/** `{doc}`. */\n{open}");
                let names = field_names(fields);
                let shapes = fields.shapes();
                if shapes.is_empty() {
                    t.push_str("    uint8_t unused; /* no fields on the wire */\n");
                }
                for (f, s) in names.iter().zip(&shapes) {
                    let _ = writeln!(t, "    {}", self.decl(s, f));
                }
                let _ = writeln!(t, "{close}\n");
            }
            Container::Enum { variants, .. } => {
                let vnames = &self.names.variants[n].clone();
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
                            .map(|(nm, s)| self.decl(s, nm))
                            .collect();
                        if decls.is_empty() {
                            decls.push("uint8_t unused;".into());
                        }
                        let _ = writeln!(t, "        struct {{ {} }} {member};", decls.join(" "));
                    }
                    t.push_str("    } v;\n");
                }
                let _ = writeln!(t, "{close}\n");
            }
        }
        t
    }
}
