//! The tracer: a serde `Deserializer` that records the wire shape of a
//! type instead of reading bytes.
//!
//! Like serde-reflection's, it drives the type's own `Deserialize` impl,
//! so every enum variant is reached (by deserializing the type again with
//! the next variant chosen) and the adapters of [`crate::with`] are seen
//! by their newtype names, field by field. A sequence or map is given one
//! element, an `Option` is `Some`, except inside a recursion, where they
//! are empty so that tracing ends.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};

use super::SpecError;
use crate::with::{self, Adapter, Width};

/// How an integer, float or other fixed-width scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Prim {
    Bool,
    U8,
    U16,
    U32,
    U64,
    U128,
    I8,
    I16,
    I32,
    I64,
    I128,
    F32,
    F64,
}

impl Prim {
    /// Bytes on the wire.
    pub(crate) fn size(self) -> usize {
        match self {
            Prim::Bool | Prim::U8 | Prim::I8 => 1,
            Prim::U16 | Prim::I16 => 2,
            Prim::U32 | Prim::I32 | Prim::F32 => 4,
            Prim::U64 | Prim::I64 | Prim::F64 => 8,
            Prim::U128 | Prim::I128 => 16,
        }
    }

    /// The Rust name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Prim::Bool => "bool",
            Prim::U8 => "u8",
            Prim::U16 => "u16",
            Prim::U32 => "u32",
            Prim::U64 => "u64",
            Prim::U128 => "u128",
            Prim::I8 => "i8",
            Prim::I16 => "i16",
            Prim::I32 => "i32",
            Prim::I64 => "i64",
            Prim::I128 => "i128",
            Prim::F32 => "f32",
            Prim::F64 => "f64",
        }
    }

    /// Whether it is a signed integer.
    pub(crate) fn signed(self) -> bool {
        matches!(
            self,
            Prim::I8 | Prim::I16 | Prim::I32 | Prim::I64 | Prim::I128
        )
    }
}

/// The wire shape of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Not known yet (an empty sequence inside a recursion).
    Unknown,
    Prim(Prim),
    Char,
    Str,
    Bytes,
    Unit,
    Option(Box<Shape>),
    Seq(Box<Shape>),
    Map(Box<Shape>, Box<Shape>),
    /// A tuple or array: the fields in order.
    Tuple(Vec<Shape>),
    /// A struct or enum, by name (see [`Container`]).
    Named(String),
    /// A field under an adapter of [`crate::with`].
    Adapted(Adapter, Box<Shape>),
    /// [`crate::with::Padded`]: UTF-8 text, then `0` bytes up to `N`.
    Padded(usize),
}

/// The fields of a struct or of an enum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fields {
    Unit,
    Newtype(Shape),
    Tuple(Vec<Shape>),
    Named(Vec<(String, Shape)>),
}

/// One variant of an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variant {
    pub(crate) name: String,
    /// The tag on the wire.
    pub(crate) tag: u64,
    /// `None` until traced.
    pub(crate) fields: Option<Fields>,
}

/// A named type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Container {
    Struct(Fields),
    Enum {
        /// Bytes of the tag.
        tag_width: usize,
        /// Whether the tags come from a table of `with_enum_tags`.
        table: bool,
        variants: Vec<Variant>,
    },
}

impl Shape {
    /// Fills the unknown parts of `self` from `other`; `Err` when they
    /// differ.
    fn merge(&mut self, other: Shape) -> Result<(), ()> {
        match (&mut *self, other) {
            (_, Shape::Unknown) => Ok(()),
            (Shape::Unknown, o) => {
                *self = o;
                Ok(())
            }
            (Shape::Option(a), Shape::Option(b)) | (Shape::Seq(a), Shape::Seq(b)) => a.merge(*b),
            (Shape::Map(ak, av), Shape::Map(bk, bv)) => {
                ak.merge(*bk)?;
                av.merge(*bv)
            }
            (Shape::Tuple(a), Shape::Tuple(b)) if a.len() == b.len() => {
                a.iter_mut().zip(b).try_for_each(|(a, b)| a.merge(b))
            }
            (Shape::Adapted(x, a), Shape::Adapted(y, b)) if *x == y => a.merge(*b),
            (a, b) if *a == b => Ok(()),
            _ => Err(()),
        }
    }

    /// Whether an unknown part is left.
    pub(crate) fn incomplete(&self) -> bool {
        match self {
            Shape::Unknown => true,
            Shape::Option(a) | Shape::Seq(a) | Shape::Adapted(_, a) => a.incomplete(),
            Shape::Map(a, b) => a.incomplete() || b.incomplete(),
            Shape::Tuple(v) => v.iter().any(Shape::incomplete),
            _ => false,
        }
    }
}

impl Fields {
    fn merge(&mut self, other: Fields) -> Result<(), ()> {
        match (&mut *self, other) {
            (Fields::Unit, Fields::Unit) => Ok(()),
            (Fields::Newtype(a), Fields::Newtype(b)) => a.merge(b),
            (Fields::Tuple(a), Fields::Tuple(b)) if a.len() == b.len() => {
                a.iter_mut().zip(b).try_for_each(|(a, b)| a.merge(b))
            }
            (Fields::Named(a), Fields::Named(b)) if a.len() == b.len() => {
                a.iter_mut().zip(b).try_for_each(
                    |((an, a), (bn, b))| {
                        if *an == bn { a.merge(b) } else { Err(()) }
                    },
                )
            }
            _ => Err(()),
        }
    }

    /// The shapes of the fields, in order.
    pub(crate) fn shapes(&self) -> Vec<&Shape> {
        match self {
            Fields::Unit => Vec::new(),
            Fields::Newtype(s) => vec![s],
            Fields::Tuple(v) => v.iter().collect(),
            Fields::Named(v) => v.iter().map(|(_, s)| s).collect(),
        }
    }

    fn incomplete(&self) -> bool {
        self.shapes().into_iter().any(Shape::incomplete)
    }
}

/// What the tracer needs of the config: tag widths and tables.
#[derive(Debug, Clone)]
pub(crate) struct Tagging {
    pub(crate) tag_width: usize,
    pub(crate) tables: Vec<(String, usize, Vec<u64>)>,
}

/// All the named types traced so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Registry {
    pub(crate) containers: BTreeMap<String, Container>,
    /// Per serde name, the Rust type that has it, as the type of its
    /// `Deserialize` impl's visitor tells (which names the type's module
    /// and generic parameters).
    identities: BTreeMap<String, &'static str>,
}

/// The error a trace pass stops with.
#[derive(Debug)]
enum Stop {
    /// Too deep: the recursion chose a variant that recursed again.
    Deep,
    Spec(SpecError),
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Deep => f.write_str("trace too deep"),
            Stop::Spec(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Stop::Spec(SpecError::new(
            "?",
            format!("its Deserialize impl failed: {msg}"),
        ))
    }
}

/// The state of one pass over a type.
struct Tracer<'r> {
    reg: &'r mut Registry,
    tagging: &'r Tagging,
    /// Names of the containers being deserialized, outermost first.
    stack: Vec<String>,
    /// The shape of the value just deserialized.
    last: Shape,
    /// Per enum: the variant a recursion picks.
    probe: &'r mut BTreeMap<String, usize>,
    /// The enum whose recursion choice was made last.
    last_probe: Option<String>,
    /// Whether a variant not traced before was chosen in this pass.
    progress: bool,
}

/// The deepest a trace goes before it counts as a runaway recursion.
const MAX_TRACE_DEPTH: usize = 64;

/// Traces `T`, adding its named types to `reg`; returns its shape.
pub(crate) fn trace<'de, T: de::Deserialize<'de>>(
    reg: &mut Registry,
    tagging: &Tagging,
    type_name: &str,
) -> Result<Shape, SpecError> {
    let mut probe = BTreeMap::new();
    let mut root = Shape::Unknown;
    for _pass in 0..10_000 {
        let mut scratch = reg.clone();
        let mut tracer = Tracer {
            reg: &mut scratch,
            tagging,
            stack: Vec::new(),
            last: Shape::Unknown,
            probe: &mut probe,
            last_probe: None,
            progress: false,
        };
        match T::deserialize(&mut tracer) {
            Ok(_) => {}
            Err(Stop::Deep) => {
                let Some(name) = tracer.last_probe.clone() else {
                    return Err(SpecError::new(type_name, "tracing did not end"));
                };
                let count = match scratch.containers.get(&name) {
                    Some(Container::Enum { variants, .. }) => variants.len(),
                    _ => 0,
                };
                let p = probe.entry(name.clone()).or_insert(0);
                *p += 1;
                if *p >= count {
                    return Err(SpecError::new(
                        &name,
                        "a recursive enum without a variant that ends the recursion",
                    ));
                }
                continue;
            }
            Err(Stop::Spec(mut e)) => {
                if e.type_name == "?" {
                    e.type_name = tracer.stack.last().cloned().unwrap_or(type_name.into());
                }
                return Err(e);
            }
        }
        let progress = tracer.progress;
        let shape = std::mem::replace(&mut tracer.last, Shape::Unknown);
        root.merge(shape)
            .map_err(|()| SpecError::new(type_name, "traces differently on different passes"))?;
        *reg = scratch;
        let open = reg.containers.values().any(open_enum);
        if !open {
            break;
        }
        if !progress {
            let open: Vec<_> = reg
                .containers
                .iter()
                .filter(|(_, c)| open_enum(c))
                .map(|(n, _)| n.as_str())
                .collect();
            return Err(SpecError::new(
                open.first().copied().unwrap_or(type_name),
                "some of its variants cannot be reached",
            ));
        }
    }
    for (name, c) in &reg.containers {
        let incomplete = match c {
            Container::Struct(f) => f.incomplete(),
            Container::Enum { variants, .. } => variants
                .iter()
                .any(|v| v.fields.as_ref().is_none_or(Fields::incomplete)),
        };
        if incomplete {
            return Err(SpecError::new(name, "part of it could not be traced"));
        }
    }
    if root.incomplete() {
        return Err(SpecError::new(type_name, "part of it could not be traced"));
    }
    Ok(root)
}

/// Whether an enum has a variant not traced yet.
fn open_enum(c: &Container) -> bool {
    match c {
        Container::Enum { variants, .. } => variants.iter().any(|v| v.fields.is_none()),
        Container::Struct(_) => false,
    }
}

/// Whether a value of shape `s` can reach an enum with a variant not
/// traced yet.
fn leads_to_open(reg: &BTreeMap<String, Container>, s: &Shape, seen: &mut Vec<String>) -> bool {
    match s {
        Shape::Named(n) => {
            if seen.contains(n) {
                return false;
            }
            seen.push(n.clone());
            match reg.get(n) {
                None => false,
                Some(c) if open_enum(c) => true,
                Some(Container::Struct(f)) => {
                    f.shapes().into_iter().any(|s| leads_to_open(reg, s, seen))
                }
                Some(Container::Enum { variants, .. }) => variants
                    .iter()
                    .filter_map(|v| v.fields.as_ref())
                    .any(|f| f.shapes().into_iter().any(|s| leads_to_open(reg, s, seen))),
            }
        }
        Shape::Option(i) | Shape::Seq(i) | Shape::Adapted(_, i) => leads_to_open(reg, i, seen),
        Shape::Map(a, b) => leads_to_open(reg, a, seen) || leads_to_open(reg, b, seen),
        Shape::Tuple(v) => v.iter().any(|s| leads_to_open(reg, s, seen)),
        _ => false,
    }
}

fn unsupported(name: &str, what: &str) -> Stop {
    Stop::Spec(SpecError::new(name, what))
}

impl Tracer<'_> {
    /// Whether a container is on the stack twice: a recursion.
    fn recursing(&self) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        !self.stack.iter().all(|n| seen.insert(n))
    }

    fn here(&self) -> String {
        self.stack.last().cloned().unwrap_or_else(|| "?".into())
    }

    fn push(&mut self, name: &str) -> Result<(), Stop> {
        if self.stack.len() >= MAX_TRACE_DEPTH {
            return Err(Stop::Deep);
        }
        self.stack.push(name.to_string());
        Ok(())
    }

    /// Refuses a second Rust type under a serde name already traced: a
    /// generic type used with two parameters, or two types of one name in
    /// different modules, would otherwise be described as one.
    fn identify<V>(&mut self, name: &str) -> Result<(), Stop> {
        let id = std::any::type_name::<V>();
        match self.reg.identities.get(name) {
            Some(&old) if old != id => Err(unsupported(
                name,
                "two different types have this serde name (a generic type used with two \
                 parameters, or same-named types in two modules); give each its own name \
                 with #[serde(rename)] or a wrapper type",
            )),
            Some(_) => Ok(()),
            None => {
                self.reg.identities.insert(name.to_string(), id);
                Ok(())
            }
        }
    }

    /// Records a struct's fields under its name.
    fn record(&mut self, name: &str, fields: Fields) -> Result<(), Stop> {
        match self.reg.containers.get_mut(name) {
            Some(Container::Struct(old)) => old.merge(fields).map_err(|()| {
                unsupported(name, "two different types have this name (a generic type?)")
            }),
            Some(Container::Enum { .. }) => Err(unsupported(
                name,
                "two different types have this name (a struct and an enum)",
            )),
            None => {
                self.reg
                    .containers
                    .insert(name.to_string(), Container::Struct(fields));
                Ok(())
            }
        }
    }

    fn visit_fields<'de, V: Visitor<'de>>(
        &mut self,
        names: Option<&'static [&'static str]>,
        len: usize,
        visitor: V,
    ) -> Result<(V::Value, Vec<Shape>), Stop> {
        let mut access = Elements {
            tr: self,
            left: len,
            shapes: Vec::new(),
        };
        let value = visitor.visit_seq(&mut access)?;
        let shapes = access.shapes;
        if shapes.len() != len {
            let what = match names {
                Some(_) => "its Deserialize impl reads fewer fields than it declares",
                None => "its Deserialize impl reads fewer elements than it declares",
            };
            return Err(unsupported(&self.here(), what));
        }
        Ok((value, shapes))
    }
}

/// The elements the tracer hands out, recording each one's shape.
struct Elements<'a, 'r> {
    tr: &'a mut Tracer<'r>,
    left: usize,
    shapes: Vec<Shape>,
}

impl<'de> de::SeqAccess<'de> for Elements<'_, '_> {
    type Error = Stop;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Stop> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let v = seed.deserialize(&mut *self.tr)?;
        self.shapes
            .push(std::mem::replace(&mut self.tr.last, Shape::Unknown));
        Ok(Some(v))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

impl<'de> de::MapAccess<'de> for Elements<'_, '_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let v = seed.deserialize(&mut *self.tr)?;
        self.shapes
            .push(std::mem::replace(&mut self.tr.last, Shape::Unknown));
        Ok(Some(v))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        let v = seed.deserialize(&mut *self.tr)?;
        self.shapes
            .push(std::mem::replace(&mut self.tr.last, Shape::Unknown));
        Ok(v)
    }
}

macro_rules! prims {
    ($($method:ident => $visit:ident($v:expr): $prim:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            self.last = Shape::Prim(Prim::$prim);
            visitor.$visit($v)
        }
    )*};
}

impl<'de> Deserializer<'de> for &mut Tracer<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, Stop> {
        Err(unsupported(
            &self.here(),
            "it needs a self-describing format (deserialize_any: untagged or internally \
             tagged enums, #[serde(flatten)], serde_json::Value, ...), which net is not",
        ))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, Stop> {
        Err(unsupported(
            &self.here(),
            "it skips a value of unknown type (deserialize_ignored_any)",
        ))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, Stop> {
        Err(unsupported(
            &self.here(),
            "it asks for a field or variant name (deserialize_identifier)",
        ))
    }

    prims! {
        deserialize_bool => visit_bool(false): Bool,
        deserialize_u8 => visit_u8(1): U8,
        deserialize_u16 => visit_u16(1): U16,
        deserialize_u32 => visit_u32(1): U32,
        deserialize_u64 => visit_u64(1): U64,
        deserialize_u128 => visit_u128(1): U128,
        deserialize_i8 => visit_i8(1): I8,
        deserialize_i16 => visit_i16(1): I16,
        deserialize_i32 => visit_i32(1): I32,
        deserialize_i64 => visit_i64(1): I64,
        deserialize_i128 => visit_i128(1): I128,
        deserialize_f32 => visit_f32(1.0): F32,
        deserialize_f64 => visit_f64(1.0): F64,
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.last = Shape::Char;
        visitor.visit_char('a')
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.last = Shape::Str;
        visitor.visit_borrowed_str("a")
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.last = Shape::Bytes;
        visitor.visit_borrowed_bytes(b"a")
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        if self.recursing() {
            self.last = Shape::Option(Box::new(Shape::Unknown));
            return visitor.visit_none();
        }
        let v = visitor.visit_some(&mut *self)?;
        let inner = std::mem::replace(&mut self.last, Shape::Unknown);
        self.last = Shape::Option(Box::new(inner));
        Ok(v)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.last = Shape::Unit;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        self.identify::<V>(name)?;
        self.record(name, Fields::Unit)?;
        self.last = Shape::Named(name.into());
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        if let Some(adapter) = with::adapter(name) {
            let v = visitor.visit_newtype_struct(&mut *self)?;
            if adapter == Adapter::Records {
                // Traced in its element form, whose layout it has.
                return Ok(v);
            }
            let inner = std::mem::replace(&mut self.last, Shape::Unknown);
            check_adapter(&self.here(), adapter, &inner)?;
            self.last = Shape::Adapted(adapter, Box::new(inner));
            return Ok(v);
        }
        self.identify::<V>(name)?;
        self.push(name)?;
        let v = visitor.visit_newtype_struct(&mut *self)?;
        self.stack.pop();
        let inner = std::mem::replace(&mut self.last, Shape::Unknown);
        self.record(name, Fields::Newtype(inner))?;
        self.last = Shape::Named(name.into());
        Ok(v)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let len = usize::from(!self.recursing());
        let (v, mut shapes) = self.visit_fields(None, len, visitor)?;
        self.last = Shape::Seq(Box::new(shapes.pop().unwrap_or(Shape::Unknown)));
        Ok(v)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Stop> {
        let (v, shapes) = self.visit_fields(None, len, visitor)?;
        // `Padded<N>` reads N bytes as a tuple; its visitor says what they
        // are.
        let visitor_type = std::any::type_name::<V>();
        if visitor_type.starts_with("<netwire::with::Padded<") {
            self.last = Shape::Padded(len);
            return Ok(v);
        }
        self.last = Shape::Tuple(shapes);
        Ok(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        self.identify::<V>(name)?;
        self.push(name)?;
        let (v, shapes) = self.visit_fields(None, len, visitor)?;
        self.stack.pop();
        self.record(name, Fields::Tuple(shapes))?;
        self.last = Shape::Named(name.into());
        Ok(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let len = usize::from(!self.recursing());
        let mut access = Elements {
            tr: &mut *self,
            left: len,
            shapes: Vec::new(),
        };
        let v = visitor.visit_map(&mut access)?;
        let mut shapes = access.shapes.into_iter();
        let k = shapes.next().unwrap_or(Shape::Unknown);
        let val = shapes.next().unwrap_or(Shape::Unknown);
        self.last = Shape::Map(Box::new(k), Box::new(val));
        Ok(v)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        self.identify::<V>(name)?;
        self.push(name)?;
        let (v, shapes) = self.visit_fields(Some(fields), fields.len(), visitor)?;
        self.stack.pop();
        let named = fields.iter().map(|f| f.to_string()).zip(shapes).collect();
        self.record(name, Fields::Named(named))?;
        self.last = Shape::Named(name.into());
        Ok(v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        let (tag_width, tags, table) = match self.tagging.tables.iter().find(|t| t.0 == name) {
            Some((_, w, tags)) => {
                if tags.len() < variants.len() {
                    return Err(unsupported(
                        name,
                        "its tag table has fewer tags than the enum has variants",
                    ));
                }
                (*w, tags.clone(), true)
            }
            None => (
                self.tagging.tag_width,
                (0..variants.len() as u64).collect(),
                false,
            ),
        };
        let max = if tag_width >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * tag_width)) - 1
        };
        if let Some(t) = tags.iter().take(variants.len()).find(|&&t| t > max) {
            return Err(unsupported(
                name,
                &format!("tag {t} does not fit its {tag_width}-byte width"),
            ));
        }
        if variants.is_empty() {
            return Err(unsupported(
                name,
                "an enum without variants has no value to trace",
            ));
        }
        self.identify::<V>(name)?;
        let snapshot = self.reg.containers.clone();
        let entry = self
            .reg
            .containers
            .entry(name.to_string())
            .or_insert_with(|| Container::Enum {
                tag_width,
                table,
                variants: variants
                    .iter()
                    .zip(&tags)
                    .map(|(n, &tag)| Variant {
                        name: n.to_string(),
                        tag,
                        fields: None,
                    })
                    .collect(),
            });
        let Container::Enum {
            variants: known, ..
        } = entry
        else {
            return Err(unsupported(
                name,
                "two different types have this name (a struct and an enum)",
            ));
        };
        if known.len() != variants.len() {
            return Err(unsupported(name, "two different enums have this name"));
        }
        let index = if self.stack.iter().any(|n| n == name) {
            self.last_probe = Some(name.to_string());
            *self.probe.get(name).unwrap_or(&0)
        } else {
            match known.iter().position(|v| v.fields.is_none()) {
                Some(i) => {
                    self.progress = true;
                    i
                }
                // Every variant is traced: take one that leads to an enum
                // with a variant not traced yet, if any.
                None => known
                    .iter()
                    .position(|v| {
                        v.fields.as_ref().is_some_and(|f| {
                            f.shapes()
                                .into_iter()
                                .any(|s| leads_to_open(&snapshot, s, &mut Vec::new()))
                        })
                    })
                    .unwrap_or(0),
            }
        };
        self.push(name)?;
        let v = visitor.visit_enum(EnumTrace {
            tr: &mut *self,
            name,
            index,
        })?;
        self.stack.pop();
        self.last = Shape::Named(name.into());
        Ok(v)
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

/// Checks that an adapter applies to what its field starts with, as the
/// `net` format requires.
fn check_adapter(here: &str, adapter: Adapter, inner: &Shape) -> Result<(), Stop> {
    let ok = match (adapter, inner) {
        (_, Shape::Named(_)) => {
            return Err(unsupported(
                here,
                "an adapter of netwire::with on a newtype struct (the spec describes adapters on \
                 strings, bytes, sequences, maps and options only)",
            ));
        }
        (Adapter::Len(_), Shape::Str | Shape::Bytes | Shape::Seq(_) | Shape::Map(..)) => true,
        (Adapter::Nullable(_), Shape::Option(s)) => {
            matches!(
                **s,
                Shape::Str | Shape::Bytes | Shape::Seq(_) | Shape::Map(..)
            )
        }
        (Adapter::CStr, Shape::Str | Shape::Bytes) => true,
        (Adapter::Rest, Shape::Bytes | Shape::Seq(_)) => true,
        (Adapter::NulTerminated, Shape::Seq(_)) => true,
        (Adapter::EmptyAsNone, Shape::Option(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(unsupported(
            here,
            &format!(
                "{} does not apply to a field of shape {inner:?}",
                adapter_name(adapter)
            ),
        ))
    }
}

/// The adapter's name in [`crate::with`].
pub(crate) fn adapter_name(a: Adapter) -> String {
    let w = |w: Width| match w {
        Width::U8 => "u8",
        Width::U16 => "u16",
        Width::U32 => "u32",
        Width::U64 => "u64",
        Width::I16 => "i16",
        Width::I32 => "i32",
    };
    match a {
        Adapter::Len(x) => format!("with::len_{}", w(x)),
        Adapter::Nullable(x) => format!("with::nullable_{}", w(x)),
        Adapter::CStr => "with::cstr".into(),
        Adapter::Rest => "with::rest".into(),
        Adapter::NulTerminated => "with::nul_terminated".into(),
        Adapter::EmptyAsNone => "with::empty_as_none".into(),
        Adapter::Known(_) => "a known length".into(),
        Adapter::Records => "with::records".into(),
    }
}

struct EnumTrace<'a, 'r> {
    tr: &'a mut Tracer<'r>,
    name: &'static str,
    index: usize,
}

impl<'de, 'a, 'r> de::EnumAccess<'de> for EnumTrace<'a, 'r> {
    type Error = Stop;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), Stop> {
        let index: de::value::U32Deserializer<Stop> = (self.index as u32).into_deserializer();
        let v = seed.deserialize(index)?;
        Ok((v, self))
    }
}

impl EnumTrace<'_, '_> {
    fn set(&mut self, fields: Fields) -> Result<(), Stop> {
        let Some(Container::Enum { variants, .. }) = self.tr.reg.containers.get_mut(self.name)
        else {
            return Err(unsupported(self.name, "lost its record"));
        };
        let slot = &mut variants[self.index].fields;
        match slot {
            Some(old) => old.merge(fields).map_err(|()| {
                unsupported(
                    self.name,
                    "a variant traces differently on different passes",
                )
            }),
            None => {
                *slot = Some(fields);
                Ok(())
            }
        }
    }
}

impl<'de> de::VariantAccess<'de> for EnumTrace<'_, '_> {
    type Error = Stop;

    fn unit_variant(mut self) -> Result<(), Stop> {
        self.set(Fields::Unit)
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(mut self, seed: S) -> Result<S::Value, Stop> {
        let v = seed.deserialize(&mut *self.tr)?;
        let inner = std::mem::replace(&mut self.tr.last, Shape::Unknown);
        self.set(Fields::Newtype(inner))?;
        Ok(v)
    }

    fn tuple_variant<V: Visitor<'de>>(mut self, len: usize, visitor: V) -> Result<V::Value, Stop> {
        let (v, shapes) = self.tr.visit_fields(None, len, visitor)?;
        self.set(Fields::Tuple(shapes))?;
        Ok(v)
    }

    fn struct_variant<V: Visitor<'de>>(
        mut self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        let (v, shapes) = self.tr.visit_fields(Some(fields), fields.len(), visitor)?;
        let named = fields.iter().map(|f| f.to_string()).zip(shapes).collect();
        self.set(Fields::Named(named))?;
        Ok(v)
    }
}
