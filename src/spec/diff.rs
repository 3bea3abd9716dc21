//! A diff that knows the wire: [`Spec::compare`] and its [`Change`]s.

use std::collections::BTreeSet;
use std::fmt;

use super::dynamic::shape_name;
use super::markdown::fixed_size;
use super::trace::{Container, Fields, Prim, Registry, Shape, Variant};
use super::{Framing, Spec};
use crate::with::{Adapter, Width};

/// What a change does to one reader: a peer built from one version
/// decoding messages written by the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Effect {
    /// Every message decodes, to the same values.
    Reads,
    /// Some messages (those that use what changed) are refused with an
    /// error, such as [`TagOutOfRange`](crate::ErrorKind::TagOutOfRange)
    /// for a variant it does not know; the others read as before.
    Fails,
    /// Messages may decode to wrong values, or fail: the bytes mean
    /// something else to this reader.
    Misreads,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Reads => "reads",
            Effect::Fails => "fails on some",
            Effect::Misreads => "may misread",
        })
    }
}

/// A change summed up for both readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// The same bytes both ways (a field or type renamed, say).
    Identical,
    /// New readers read old messages; old readers refuse some new ones
    /// (a variant appended, a limit raised).
    NewReadsOld,
    /// Old readers read new messages; new readers refuse some old ones
    /// (a variant removed, a limit lowered).
    OldReadsNew,
    /// A reader may misread, or both sides refuse each other's messages
    /// (fields reordered, a width changed, a variant inserted before
    /// others).
    Breaking,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Identical => "identical",
            Verdict::NewReadsOld => "new reads old",
            Verdict::OldReadsNew => "old reads new",
            Verdict::Breaking => "breaking",
        })
    }
}

/// One difference between two layouts, found by [`Spec::compare`]: where
/// it is, what it is, and what it does to each reader.
///
/// Its [`Display`](fmt::Display) is one line: the verdict, the place (the
/// type path, and the byte offset when everything before it has a fixed
/// size), the change, and both readers' [`Effect`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    path: String,
    offset: Option<u64>,
    what: String,
    new_reads_old: Effect,
    old_reads_new: Effect,
}

impl Change {
    /// Where: `Type::Variant.field.0[].field`, from the message type
    /// (`[]` is any element of a sequence, `?` the content of an option);
    /// `config` and `framing` for those.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The byte offset of the changed value in a message, in the new
    /// layout, when every value before it has a fixed size.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }

    /// What changed, in words.
    pub fn description(&self) -> &str {
        &self.what
    }

    /// What a reader of the new layout does with messages of the old.
    pub fn new_reads_old(&self) -> Effect {
        self.new_reads_old
    }

    /// What a reader of the old layout does with messages of the new.
    pub fn old_reads_new(&self) -> Effect {
        self.old_reads_new
    }

    /// Both effects summed up.
    pub fn verdict(&self) -> Verdict {
        match (self.new_reads_old, self.old_reads_new) {
            (Effect::Reads, Effect::Reads) => Verdict::Identical,
            (Effect::Reads, Effect::Fails) => Verdict::NewReadsOld,
            (Effect::Fails, Effect::Reads) => Verdict::OldReadsNew,
            _ => Verdict::Breaking,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.verdict(), self.path)?;
        if let Some(o) = self.offset {
            write!(f, " (byte {o})")?;
        }
        write!(
            f,
            ": {}; new reader on old bytes: {}, old reader on new bytes: {}",
            self.what, self.new_reads_old, self.old_reads_new
        )
    }
}

use Effect::{Fails, Misreads, Reads};

struct Cmp<'a> {
    new: &'a Spec,
    old: &'a Spec,
    seen: BTreeSet<(String, String)>,
    out: Vec<Change>,
}

impl Spec {
    /// Every difference between this layout (the new one) and `old`, each
    /// located and classified by what it does to peers both ways: a
    /// reader built from this spec on bytes written with `old`, and a
    /// reader built from `old` on bytes written with this one.
    ///
    /// Types are matched by where they are used, from the message types
    /// down, not by name, so a renamed type or field is found as such;
    /// enum variants are matched by tag. An empty list means the two
    /// specs have the same JSON document.
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec, Verdict};
    ///
    /// mod v1 {
    ///     #[derive(serde::Deserialize)]
    ///     pub enum Msg { Ping(u32), Chat { room: u16, text: String } }
    /// }
    /// mod v2 {
    ///     #[derive(serde::Deserialize)]
    ///     pub enum Msg { Ping(u32), Chat { room: u32, text: String }, Bye }
    /// }
    ///
    /// let spec = || Spec::new("chat", Config::new(), Framing::SelfDelimited);
    /// let old = spec().message::<v1::Msg>()?;
    /// let new = spec().message::<v2::Msg>()?;
    /// let changes = new.compare(&old);
    /// let lines: Vec<String> = changes.iter().map(|c| c.to_string()).collect();
    /// assert_eq!(lines, [
    ///     "[breaking] Msg::Chat.room (byte 1): u16 became u32; \
    ///      new reader on old bytes: may misread, old reader on new bytes: may misread",
    ///     "[new reads old] Msg::Bye (byte 0): variant added with tag 2; \
    ///      new reader on old bytes: reads, old reader on new bytes: fails on some",
    /// ]);
    /// assert_eq!(changes[1].verdict(), Verdict::NewReadsOld);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compare(&self, old: &Spec) -> Vec<Change> {
        let mut c = Cmp {
            new: self,
            old,
            seen: BTreeSet::new(),
            out: Vec::new(),
        };
        c.config();
        let n = self.messages.len().max(old.messages.len());
        for i in 0..n {
            match (self.messages.get(i), old.messages.get(i)) {
                (Some(a), Some(b)) => {
                    c.shape(
                        &Shape::Named(a.name.clone()),
                        &Shape::Named(b.name.clone()),
                        &a.name,
                        Some(0),
                    );
                }
                (Some(a), None) => c.push(&a.name, None, "message type added".into(), Reads, Fails),
                (None, Some(b)) => {
                    c.push(&b.name, None, "message type removed".into(), Fails, Reads)
                }
                (None, None) => {}
            }
        }
        match (&self.preamble, &old.preamble) {
            (Some(a), Some(b)) => {
                let path = format!("preamble {a}");
                c.shape(
                    &Shape::Named(a.clone()),
                    &Shape::Named(b.clone()),
                    &path,
                    Some(0),
                );
            }
            (Some(a), None) => c.push(
                &format!("preamble {a}"),
                Some(0),
                "preamble added: the stream starts with it".into(),
                Misreads,
                Misreads,
            ),
            (None, Some(b)) => c.push(
                &format!("preamble {b}"),
                Some(0),
                "preamble removed".into(),
                Misreads,
                Misreads,
            ),
            (None, None) => {}
        }
        // Names only: the document changes, the bytes do not.
        if c.out.is_empty() && self.to_json() != old.to_json() {
            c.push(
                "spec",
                None,
                "only names or unused types differ".into(),
                Reads,
                Reads,
            );
        }
        c.out
    }
}

fn framing_text(f: Framing) -> String {
    f.to_string()
}

impl Cmp<'_> {
    fn push(&mut self, path: &str, offset: Option<u64>, what: String, n: Effect, o: Effect) {
        self.out.push(Change {
            path: path.to_string(),
            offset,
            what,
            new_reads_old: n,
            old_reads_new: o,
        });
    }

    fn config(&mut self) {
        let (n, o) = (&self.new.config, &self.old.config);
        if self.new.protocol != self.old.protocol {
            let what = format!(
                "protocol renamed from {} to {}",
                self.old.protocol, self.new.protocol
            );
            self.push("spec", None, what, Reads, Reads);
        }
        if self.new.framing != self.old.framing {
            let what = format!(
                "framing was {}, is {}",
                framing_text(self.old.framing),
                framing_text(self.new.framing)
            );
            self.push("framing", None, what, Misreads, Misreads);
        }
        if n.length_width() != o.length_width() {
            let what = format!(
                "length prefixes were {} byte(s), are {}",
                o.length_width().size(),
                n.length_width().size()
            );
            self.push("config.length_width", None, what, Misreads, Misreads);
        }
        // Limits: the side with the smaller one refuses the larger messages.
        for (key, a, b) in [
            ("config.limit", n.limit(), o.limit()),
            ("config.depth", n.depth(), o.depth()),
        ] {
            if a != b {
                let what = format!("{} was {b}, is {a}", &key[7..]);
                let (x, y) = if a < b {
                    (Fails, Reads)
                } else {
                    (Reads, Fails)
                };
                self.push(key, None, what, x, y);
            }
        }
    }

    fn size(&self, s: &Shape) -> Option<u64> {
        fixed_size(s, &self.new.reg, &mut BTreeSet::new()).map(|n| n as u64)
    }

    /// A length prefix of the config's width written by an adapter is the
    /// default one.
    fn plain<'s>(s: &'s Shape, spec: &Spec) -> &'s Shape {
        match s {
            Shape::Adapted(Adapter::Len(w), x)
                if w.size() == spec.config.length_width().size()
                    && !matches!(w, Width::I16 | Width::I32) =>
            {
                x
            }
            s => s,
        }
    }

    /// The one field of a struct with one field.
    fn single<'r>(s: &Shape, reg: &'r Registry) -> Option<(&'r str, &'r Shape)> {
        let Shape::Named(n) = s else { return None };
        let (name, c) = reg.containers.get_key_value(n)?;
        match c {
            Container::Struct(f) => match f.shapes().as_slice() {
                [only] => Some((name.as_str(), *only)),
                _ => None,
            },
            Container::Enum { .. } => None,
        }
    }

    fn shape(&mut self, n: &Shape, o: &Shape, path: &str, offset: Option<u64>) {
        let (n, o) = (Self::plain(n, self.new), Self::plain(o, self.old));
        let text = |s: &Shape| shape_name(s);
        match (n, o) {
            (Shape::Named(a), Shape::Named(b)) => return self.named(a, b, path, offset),
            (Shape::Prim(a), Shape::Prim(b)) => {
                if a != b {
                    let what = format!("{} became {}", b.name(), a.name());
                    let (x, y) = match (a, b) {
                        (Prim::U8, Prim::Bool) => (Reads, Fails),
                        (Prim::Bool, Prim::U8) => (Fails, Reads),
                        _ => (Misreads, Misreads),
                    };
                    self.push(path, offset, what, x, y);
                }
                return;
            }
            (Shape::Option(a), Shape::Option(b)) => {
                return self.shape(a, b, &format!("{path}?"), offset.map(|x| x + 1));
            }
            (Shape::Seq(a), Shape::Seq(b)) => {
                return self.shape(a, b, &format!("{path}[]"), None);
            }
            (Shape::Map(ak, av), Shape::Map(bk, bv)) => {
                self.shape(ak, bk, &format!("{path}{{key}}"), None);
                return self.shape(av, bv, &format!("{path}{{value}}"), None);
            }
            (Shape::Tuple(a), Shape::Tuple(b)) if a.len() == b.len() => {
                let mut at = offset;
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.shape(x, y, &format!("{path}.{i}"), at);
                    at = at.and_then(|o| Some(o + self.size(x)?));
                }
                return;
            }
            (Shape::Adapted(x, a), Shape::Adapted(y, b)) if x == y => {
                return self.shape(a, b, path, offset);
            }
            (a, b) if a == b => return,
            _ => {}
        }
        // Byte strings, strings and sequences of u8: the same bytes, but
        // not every byte string is UTF-8.
        let bytes = |s: &Shape| match s {
            Shape::Str => Some(true),
            Shape::Bytes => Some(false),
            Shape::Seq(x) if **x == Shape::Prim(Prim::U8) => Some(false),
            _ => None,
        };
        if let (Some(a), Some(b)) = (bytes(n), bytes(o)) {
            let what = format!("{} became {}", text(o), text(n));
            let (x, y) = match (a, b) {
                (false, false) => (Reads, Reads),
                (false, true) => (Reads, Fails),
                _ => (Fails, Reads),
            };
            return self.push(path, offset, what, x, y);
        }
        // A value wrapped in a struct of one field, or unwrapped: the same
        // bytes.
        if let Some((name, inner)) = Self::single(n, &self.new.reg) {
            if !matches!(o, Shape::Named(_)) {
                let what = format!("{} wrapped in {name}", text(o));
                self.push(path, offset, what, Reads, Reads);
                return self.shape(inner, o, &format!("{path}.0"), offset);
            }
        }
        if let Some((name, inner)) = Self::single(o, &self.old.reg) {
            if !matches!(n, Shape::Named(_)) {
                let what = format!("{} unwrapped from {name}", text(n));
                self.push(path, offset, what, Reads, Reads);
                return self.shape(n, inner, path, offset);
            }
        }
        let what = format!("{} became {}", text(o), text(n));
        self.push(path, offset, what, Misreads, Misreads);
    }

    fn named(&mut self, a: &str, b: &str, path: &str, offset: Option<u64>) {
        if !self.seen.insert((a.to_string(), b.to_string())) {
            return;
        }
        if a != b {
            let what = format!("type {b} renamed to {a}");
            self.push(path, offset, what, Reads, Reads);
        }
        let (Some(cn), Some(co)) = (
            self.new.reg.containers.get(a),
            self.old.reg.containers.get(b),
        ) else {
            return;
        };
        match (cn, co) {
            (Container::Struct(fa), Container::Struct(fb)) => self.fields(fa, fb, path, offset),
            (
                Container::Enum {
                    tag_width: wa,
                    variants: va,
                    ..
                },
                Container::Enum {
                    tag_width: wb,
                    variants: vb,
                    ..
                },
            ) => {
                if wa != wb {
                    let what = format!("enum tags were {wb} byte(s), are {wa}");
                    self.push(path, offset, what, Misreads, Misreads);
                    return;
                }
                let content = offset.map(|o| o + *wa as u64);
                self.variants(va, vb, path, offset, content);
            }
            (Container::Struct(_), Container::Enum { .. }) => {
                self.push(
                    path,
                    offset,
                    "enum became struct".into(),
                    Misreads,
                    Misreads,
                );
            }
            (Container::Enum { .. }, Container::Struct(_)) => {
                self.push(
                    path,
                    offset,
                    "struct became enum".into(),
                    Misreads,
                    Misreads,
                );
            }
        }
    }

    fn variants(
        &mut self,
        va: &[Variant],
        vb: &[Variant],
        path: &str,
        offset: Option<u64>,
        content: Option<u64>,
    ) {
        let by_tag = |vs: &'_ [Variant], t: u64| vs.iter().position(|v| v.tag == t);
        let by_name = |vs: &'_ [Variant], n: &str| vs.iter().position(|v| v.name == n);
        // What a reader does with a tag it may give another variant.
        let meets = |vs: &'_ [Variant], t: u64| {
            if by_tag(vs, t).is_some() {
                Misreads
            } else {
                Fails
            }
        };
        for v in va {
            let here = format!("{path}::{}", v.name);
            let twin = by_tag(vb, v.tag).map(|i| &vb[i]);
            let named = by_name(vb, &v.name).map(|i| &vb[i]);
            match (twin, named) {
                (Some(t), Some(same)) if t.name == same.name => {
                    self.variant_fields(v, t, &here, content);
                }
                (_, Some(same)) => {
                    let what = format!("variant tag was {}, is {}", same.tag, v.tag);
                    let (x, y) = (meets(va, same.tag), meets(vb, v.tag));
                    self.push(&here, offset, what, x, y);
                }
                (Some(t), None) if by_name(va, &t.name).is_none() => {
                    let what = format!("variant {} renamed to {}", t.name, v.name);
                    self.push(&here, offset, what, Reads, Reads);
                    self.variant_fields(v, t, &here, content);
                }
                (_, None) => {
                    let what = format!("variant added with tag {}", v.tag);
                    self.push(&here, offset, what, Reads, meets(vb, v.tag));
                }
            }
        }
        for v in vb {
            if by_name(va, &v.name).is_some() {
                continue;
            }
            if let Some(t) = by_tag(va, v.tag) {
                if by_name(vb, &va[t].name).is_none() {
                    continue; // renamed, reported above
                }
            }
            let here = format!("{path}::{}", v.name);
            let what = format!("variant removed (it had tag {})", v.tag);
            self.push(&here, offset, what, meets(va, v.tag), Reads);
        }
    }

    fn variant_fields(&mut self, a: &Variant, b: &Variant, path: &str, offset: Option<u64>) {
        if let (Some(fa), Some(fb)) = (&a.fields, &b.fields) {
            self.fields(fa, fb, path, offset);
        }
    }

    fn fields(&mut self, a: &Fields, b: &Fields, path: &str, offset: Option<u64>) {
        let list = |f: &Fields| -> Vec<(Option<String>, Shape)> {
            match f {
                Fields::Named(v) => v
                    .iter()
                    .map(|(n, s)| (Some(n.clone()), s.clone()))
                    .collect(),
                f => f.shapes().into_iter().map(|s| (None, s.clone())).collect(),
            }
        };
        let kind = |f: &Fields| match f {
            Fields::Unit => "unit",
            Fields::Newtype(_) => "newtype",
            Fields::Tuple(_) => "tuple",
            Fields::Named(_) => "struct",
        };
        let (la, lb) = (list(a), list(b));
        if kind(a) != kind(b) {
            let what = format!("{} fields became {} fields", kind(b), kind(a));
            self.push(path, offset, what, Reads, Reads);
        }
        let mut at = offset;
        for (i, (fa, fb)) in la.iter().zip(&lb).enumerate() {
            let label = fa.0.clone().unwrap_or_else(|| i.to_string());
            let here = format!("{path}.{label}");
            if let (Some(na), Some(nb)) = (&fa.0, &fb.0) {
                if na != nb {
                    let moved = lb.iter().position(|x| x.0.as_deref() == Some(na.as_str()));
                    match moved {
                        Some(j) => {
                            let what = format!("field moved from position {j} to {i}");
                            self.push(&here, at, what, Misreads, Misreads);
                        }
                        None => {
                            let what = format!("field {nb} renamed to {na}");
                            self.push(&here, at, what, Reads, Reads);
                        }
                    }
                }
            }
            self.shape(&fa.1, &fb.1, &here, at);
            at = at.and_then(|o| Some(o + self.size(&fa.1)?));
        }
        for (i, f) in la.iter().enumerate().skip(lb.len()) {
            let label = f.0.clone().unwrap_or_else(|| i.to_string());
            let what = format!("field added ({})", shape_name(&f.1));
            self.push(&format!("{path}.{label}"), at, what, Misreads, Misreads);
            at = at.and_then(|o| Some(o + self.size(&f.1)?));
        }
        for (i, f) in lb.iter().enumerate().skip(la.len()) {
            let label = f.0.clone().unwrap_or_else(|| i.to_string());
            let what = format!("field removed ({})", shape_name(&f.1));
            self.push(&format!("{path}.{label}"), at, what, Misreads, Misreads);
        }
    }
}
