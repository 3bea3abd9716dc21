//! Recursive types: the recursive groups, the pointers their fields
//! become, the types whose decoders take nodes from the caller's arena,
//! the arena's allocator and the bound on the memory a message takes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::support::Gen;
use crate::spec::names::comment;
use crate::spec::trace::{Container, Fields, Registry, Shape};
use crate::with::Adapter;

impl Gen<'_> {
    /// The recursive groups and the types that need an arena, over the
    /// types with a C form.
    pub(super) fn recursion(&mut self) {
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
    pub(super) fn ptr_target<'s>(&self, s: &'s Shape) -> Option<&'s str> {
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
    pub(super) fn arena_bound(&self) -> bool {
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
    pub(super) fn takes_nodes(&self, s: &Shape) -> bool {
        let mut named = Vec::new();
        collect_named(s, &mut named);
        named.iter().any(|n| self.arena.contains(n))
    }

    /// Before an element that is checked and dropped: where the arena
    /// is, when the element takes nodes from it.
    pub(super) fn mark(&mut self, s: &Shape, out: &mut String, ind: &str) -> Option<String> {
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
    pub(super) fn release(&self, mark: Option<String>, out: &mut String, ind: &str) {
        if let Some(m) = mark {
            let _ = writeln!(out, "{ind}if (st->arena != NULL) st->arena->used = {m};");
        }
    }

    /// The header comment's paragraph on recursive types, with an
    /// example of a decode into an arena.
    pub(super) fn arena_comment(&self, out: &mut String) {
        let p = &self.p;
        let big = p.to_uppercase();
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
        if self.arena_bound() {
            let _ = write!(
                out,
                " * Every node starts with a byte of its own (a tag, an option's flag),\n\
                     \x20* so a message of `len` bytes takes at most {big}_ARENA_SIZE(len) bytes.\n"
            );
        }
        let ex = self
            .rec
            .keys()
            .next()
            .map(|n| format!("{p}_{}", self.names.ty(n)))
            .unwrap_or_default();
        let size = if self.arena_bound() {
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

    /// `<P>_NODE_MAX` and, when every node has a byte of its own,
    /// `<P>_ARENA_SIZE(len)`.
    pub(super) fn arena_sizes(&self, out: &mut String) {
        let p = &self.p;
        let big = p.to_uppercase();
        let sizes: Vec<String> = self
            .rec
            .keys()
            .map(|n| {
                format!(
                    "((sizeof({p}_{}) + {big}_ALIGN - 1) / {big}_ALIGN * {big}_ALIGN)",
                    self.names.ty(n)
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
        if self.arena_bound() {
            let _ = writeln!(
                out,
                "/** The most bytes of arena a message of `len` bytes takes (every node has a byte of its own; one more node may be asked for before the input runs out). */\n\
                     #define {big}_ARENA_SIZE(len) (((size_t)(len) + 1) * {big}_NODE_MAX + {big}_ALIGN)"
            );
        }
        out.push('\n');
    }
}

/// The arena's allocator, in headers with recursive types.
pub(super) const ARENA_RUNTIME: &str = r#"/* A node of `size` bytes from the arena, aligned to P_ALIGN; NULL when the arena is full. */
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

/// Per type, the types it holds, directly or not.
pub(super) fn reaches(reg: &Registry) -> BTreeMap<String, BTreeSet<String>> {
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

pub(super) fn collect_named(s: &Shape, out: &mut Vec<String>) {
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
