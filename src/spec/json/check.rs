//! The checks over a whole registry read from a document: every type
//! named is described, no struct contains itself, and which enums need a
//! tag table the config lacks.

use std::collections::BTreeSet;

use crate::spec::trace::{Container, Registry, Shape};
use crate::spec::{Spec, SpecError};

/// Every type named is described, and every recursion passes through an
/// enum or a collection (a struct that contains itself has no value).
pub(super) fn check_registry(reg: &Registry) -> Result<(), SpecError> {
    fn names(s: &Shape, out: &mut Vec<String>) {
        match s {
            Shape::Named(n) => out.push(n.clone()),
            Shape::Option(x) | Shape::Seq(x) | Shape::Adapted(_, x) => names(x, out),
            Shape::Map(k, v) => {
                names(k, out);
                names(v, out);
            }
            Shape::Tuple(v) => v.iter().for_each(|x| names(x, out)),
            _ => {}
        }
    }
    for (name, c) in &reg.containers {
        let mut used = Vec::new();
        match c {
            Container::Struct(f) => f.shapes().into_iter().for_each(|s| names(s, &mut used)),
            Container::Enum { variants, .. } => {
                for v in variants {
                    if let Some(f) = &v.fields {
                        f.shapes().into_iter().for_each(|s| names(s, &mut used));
                    }
                }
            }
        }
        if let Some(u) = used.iter().find(|u| !reg.containers.contains_key(*u)) {
            return Err(SpecError::new(
                name,
                format!("uses `{u}`, which `types` lacks"),
            ));
        }
    }
    // A cycle of structs through plain fields (no option, sequence, map or
    // enum on the way) would be infinitely large.
    fn direct(s: &Shape, out: &mut Vec<String>) {
        match s {
            Shape::Named(n) => out.push(n.clone()),
            Shape::Tuple(v) => v.iter().for_each(|x| direct(x, out)),
            _ => {}
        }
    }
    fn visit(
        n: &str,
        reg: &Registry,
        stack: &mut BTreeSet<String>,
        done: &mut BTreeSet<String>,
    ) -> Result<(), SpecError> {
        if done.contains(n) {
            return Ok(());
        }
        if !stack.insert(n.to_string()) {
            return Err(SpecError::new(n, "a struct that contains itself"));
        }
        if let Some(Container::Struct(f)) = reg.containers.get(n) {
            let mut next = Vec::new();
            f.shapes().into_iter().for_each(|s| direct(s, &mut next));
            for m in next {
                visit(&m, reg, stack, done)?;
            }
        }
        stack.remove(n);
        done.insert(n.to_string());
        Ok(())
    }
    let mut done = BTreeSet::new();
    for n in reg.containers.keys() {
        visit(n, reg, &mut BTreeSet::new(), &mut done)?;
    }
    Ok(())
}

impl Spec {
    /// An enum with a tag table the config lacks: the spec was read from
    /// a document, and its config cannot encode that enum.
    pub(in crate::spec) fn tables_missing(&self) -> Option<&str> {
        self.reg.containers.iter().find_map(|(name, c)| {
            let table = matches!(c, Container::Enum { table: true, .. });
            let known = self.config.enum_tags().iter().any(|t| t.name() == name);
            (table && !known).then_some(name.as_str())
        })
    }
}
