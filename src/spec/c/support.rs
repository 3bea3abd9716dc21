//! The generator's state, and which shapes have a C form: a type has one
//! when every shape it holds has, a recursion included (its values become
//! pointers into the caller's arena).

use std::collections::{BTreeMap, BTreeSet};

use super::naming::CNames;
use crate::spec::Spec;
use crate::spec::markdown::fixed_size;
use crate::spec::names::comment;
use crate::spec::trace::{Container, Registry, Shape};
use crate::with::{Adapter, Width};

/// The generator's state: which named types have C code, and why the
/// others do not.
pub(super) struct Gen<'a> {
    pub(super) p: String,
    pub(super) reg: &'a Registry,
    pub(super) names: CNames,
    /// The width of lengths and counts that no adapter sets.
    pub(super) len_width: Width,
    pub(super) ok: BTreeMap<String, bool>,
    pub(super) why: BTreeMap<String, String>,
    pub(super) tmp: usize,
    /// Per recursive type, the types it is mutually recursive with
    /// (itself included).
    pub(super) rec: BTreeMap<String, BTreeSet<String>>,
    /// The types whose decoders take nodes from an arena: those that
    /// reach a recursive type.
    pub(super) arena: BTreeSet<String>,
    /// The recursive group of the type being generated: a field of one
    /// of these types is a pointer.
    pub(super) cur: BTreeSet<String>,
}

impl<'a> Gen<'a> {
    /// The state before any type is looked at.
    pub(super) fn new(spec: &'a Spec) -> Self {
        Gen {
            p: spec.protocol.clone(),
            reg: &spec.reg,
            names: CNames::new(&spec.reg),
            len_width: from_len(spec.config.length_width().size()),
            ok: BTreeMap::new(),
            why: BTreeMap::new(),
            tmp: 0,
            rec: BTreeMap::new(),
            arena: BTreeSet::new(),
            cur: BTreeSet::new(),
        }
    }
}

impl Gen<'_> {
    pub(super) fn fixed(&self, s: &Shape) -> Option<usize> {
        fixed_size(s, self.reg, &mut BTreeSet::new())
    }

    /// Whether `s` has a C form; `Err` says why not.
    pub(super) fn supported(&mut self, s: &Shape, stack: &mut Vec<String>) -> Result<(), String> {
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
                _ => Err(format!("`{}`", crate::spec::trace::adapter_name(*a))),
            },
            Shape::Unknown => Err("an untraced part".into()),
        }
    }

    fn seq_elem(&mut self, e: &Shape, stack: &mut Vec<String>) -> Result<(), String> {
        self.supported(e, stack)
    }

    /// Whether the sequence or map `s` (under its adapter, if any) is a
    /// `<p>_seq`: a map, or a sequence whose elements have no one
    /// positive size.
    pub(super) fn var(&self, s: &Shape) -> bool {
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
}

/// The width of a length of `n` bytes.
fn from_len(n: usize) -> Width {
    match n {
        1 => Width::U8,
        2 => Width::U16,
        4 => Width::U32,
        _ => Width::U64,
    }
}
