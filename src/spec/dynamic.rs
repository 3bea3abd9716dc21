//! Bytes decoded with a spec alone: [`Value`], [`Spec::decode`],
//! [`Spec::decode_prefix`] and [`Spec::dump`].
//!
//! The decoder walks the traced layout over the same reader, limits and
//! error constructors as the typed `net` decoder, step for step, so it
//! accepts and refuses the same bytes with the same [`ErrorKind`]s and
//! offsets (`tests/spec/dynamic.rs` checks this against the typed decoder).

use std::fmt::{self, Write as _};

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::trace::{Container, Fields, Prim, Shape};
use super::{Spec, SpecError};
use crate::error::{Error, ErrorKind, Result};
use crate::limits::Limits;
use crate::net::read::{Read, Reference, SliceReader, no_end};
use crate::with::{Adapter, Width};

/// A message decoded with a [`Spec`] alone (from its JSON document, say),
/// without the Rust types: a tree of named fields.
///
/// It serializes with serde as the typed value would (structs as maps of
/// their fields, enums externally tagged, newtypes as their content), so
/// `serde_json::to_string(&value)` prints the message as JSON.
///
/// ```
/// use netwire::net::Config;
/// use netwire::spec::{Framing, Spec, Value};
///
/// #[derive(serde::Deserialize)]
/// enum Msg { Ping(u32), Chat { room: u16, text: String } }
///
/// let json = Spec::new("chat", Config::new(), Framing::SelfDelimited).message::<Msg>()?.to_json();
/// // Elsewhere, with the document only:
/// let spec = Spec::from_json(&json)?;
/// let value = spec.decode(&[1, 0, 7, 0, 0, 0, 2, b'h', b'i'])?;
/// assert_eq!(value.field("room"), Some(&Value::U16(7)));
/// assert_eq!(serde_json::to_string(&value)?, r#"{"Chat":{"room":7,"text":"hi"}}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// A `bool`.
    Bool(bool),
    /// A `u8`.
    U8(u8),
    /// A `u16`.
    U16(u16),
    /// A `u32`.
    U32(u32),
    /// A `u64`.
    U64(u64),
    /// A `u128`.
    U128(u128),
    /// An `i8`.
    I8(i8),
    /// An `i16`.
    I16(i16),
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `i128`.
    I128(i128),
    /// An `f32`.
    F32(f32),
    /// An `f64`.
    F64(f64),
    /// A `char`.
    Char(char),
    /// A string.
    Str(String),
    /// A byte string.
    Bytes(Vec<u8>),
    /// `()`.
    Unit,
    /// An `Option`.
    Option(Option<Box<Value>>),
    /// A sequence.
    Seq(Vec<Value>),
    /// A map's entries in wire order (all of them, also repeated keys).
    Map(Vec<(Value, Value)>),
    /// A tuple or array.
    Tuple(Vec<Value>),
    /// A struct.
    Struct {
        /// The type's name.
        name: String,
        /// Its fields.
        content: Content,
    },
    /// An enum variant.
    Variant {
        /// The enum's name.
        name: String,
        /// The variant's name.
        variant: String,
        /// Its tag on the wire.
        tag: u64,
        /// Its fields.
        content: Content,
    },
}

/// The fields of a [`Value::Struct`] or [`Value::Variant`].
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// No fields.
    Unit,
    /// One field without a name.
    Newtype(Box<Value>),
    /// Fields without names.
    Tuple(Vec<Value>),
    /// Named fields, in wire order.
    Struct(Vec<(String, Value)>),
}

impl Value {
    /// The first field called `name`, searched depth first through the
    /// structs and variants of the tree.
    pub fn field(&self, name: &str) -> Option<&Value> {
        let content = match self {
            Value::Struct { content, .. } | Value::Variant { content, .. } => content,
            Value::Option(Some(v)) => return v.field(name),
            Value::Seq(v) | Value::Tuple(v) => return v.iter().find_map(|x| x.field(name)),
            _ => return None,
        };
        match content {
            Content::Unit => None,
            Content::Newtype(v) => v.field(name),
            Content::Tuple(v) => v.iter().find_map(|x| x.field(name)),
            Content::Struct(v) => v
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, x)| x)
                .or_else(|| v.iter().find_map(|(_, x)| x.field(name))),
        }
    }
}

impl Serialize for Content {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Content::Unit => s.serialize_unit(),
            Content::Newtype(v) => v.serialize(s),
            Content::Tuple(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                v.iter().try_for_each(|x| seq.serialize_element(x))?;
                seq.end()
            }
            Content::Struct(v) => {
                let mut map = s.serialize_map(Some(v.len()))?;
                v.iter().try_for_each(|(k, x)| map.serialize_entry(k, x))?;
                map.end()
            }
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Value::Bool(v) => s.serialize_bool(*v),
            Value::U8(v) => s.serialize_u8(*v),
            Value::U16(v) => s.serialize_u16(*v),
            Value::U32(v) => s.serialize_u32(*v),
            Value::U64(v) => s.serialize_u64(*v),
            Value::U128(v) => s.serialize_u128(*v),
            Value::I8(v) => s.serialize_i8(*v),
            Value::I16(v) => s.serialize_i16(*v),
            Value::I32(v) => s.serialize_i32(*v),
            Value::I64(v) => s.serialize_i64(*v),
            Value::I128(v) => s.serialize_i128(*v),
            Value::F32(v) => s.serialize_f32(*v),
            Value::F64(v) => s.serialize_f64(*v),
            Value::Char(v) => s.serialize_char(*v),
            Value::Str(v) => s.serialize_str(v),
            Value::Bytes(v) => s.serialize_bytes(v),
            Value::Unit => s.serialize_unit(),
            Value::Option(None) => s.serialize_none(),
            Value::Option(Some(v)) => s.serialize_some(v),
            Value::Seq(v) | Value::Tuple(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                v.iter().try_for_each(|x| seq.serialize_element(x))?;
                seq.end()
            }
            Value::Map(v) => {
                let mut map = s.serialize_map(Some(v.len()))?;
                v.iter().try_for_each(|(k, x)| map.serialize_entry(k, x))?;
                map.end()
            }
            Value::Struct { content, .. } => content.serialize(s),
            Value::Variant {
                variant, content, ..
            } => match content {
                Content::Unit => s.serialize_str(variant),
                _ => {
                    let mut map = s.serialize_map(Some(1))?;
                    map.serialize_entry(variant, content)?;
                    map.end()
                }
            },
        }
    }
}

/// The value in a dump line: scalars as Rust writes them.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(v) => write!(f, "{v}"),
            Value::U8(v) => write!(f, "{v}"),
            Value::U16(v) => write!(f, "{v}"),
            Value::U32(v) => write!(f, "{v}"),
            Value::U64(v) => write!(f, "{v}"),
            Value::U128(v) => write!(f, "{v}"),
            Value::I8(v) => write!(f, "{v}"),
            Value::I16(v) => write!(f, "{v}"),
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::I128(v) => write!(f, "{v}"),
            Value::F32(v) => write!(f, "{v:?}"),
            Value::F64(v) => write!(f, "{v:?}"),
            Value::Char(v) => write!(f, "{v:?}"),
            Value::Str(v) => write!(f, "{v:?}"),
            Value::Bytes(v) => {
                f.write_str("0x")?;
                v.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
            Value::Unit => f.write_str("()"),
            // Compound values: their JSON.
            other => match serde_json::to_string(other) {
                Ok(t) => f.write_str(&t),
                Err(_) => f.write_str("?"),
            },
        }
    }
}

/// The deepest a [`Value`] nests, whatever the spec's depth says: the
/// decoder recurses once per level, so this bounds its stack.
const MAX_DEPTH: usize = 256;

/// The most values of no bytes (`()`, empty tuples, unit structs) one
/// message may decode to: each is a [`Value`] in memory, and their count
/// comes from a count on the wire, not from bytes.
const MAX_EMPTY: u64 = 1 << 16;

/// One line of a dump: where a value starts and ends, how deep it is,
/// what it is.
struct Line {
    start: u64,
    end: u64,
    depth: usize,
    label: String,
    text: String,
}

/// A field's name in a dump.
#[derive(Clone, Copy)]
enum Label<'a> {
    Root,
    Name(&'a str),
    Index(usize),
    Key,
    Val,
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Root => Ok(()),
            Label::Name(n) => f.write_str(n),
            Label::Index(i) => write!(f, "[{i}]"),
            Label::Key => f.write_str("key"),
            Label::Val => f.write_str("value"),
        }
    }
}

struct Decoder<'s, 'de> {
    spec: &'s Spec,
    read: SliceReader<'de>,
    limits: Limits,
    limit: u64,
    lines: Option<Vec<Line>>,
    level: usize,
    /// Values of no bytes decoded so far.
    empty: u64,
}

impl Spec {
    /// The type a message is decoded as: `type_name`, or the first message
    /// type when `None`.
    fn root(&self, type_name: Option<&str>) -> std::result::Result<Shape, SpecError> {
        let name = match type_name {
            Some(n) => n,
            None => match self.messages.first() {
                Some(m) => &m.name,
                None => return Err(SpecError::new(&self.protocol, "no message type traced")),
            },
        };
        if !self.reg.containers.contains_key(name) {
            return Err(SpecError::new(name, "not a type of this spec"));
        }
        Ok(Shape::Named(name.to_string()))
    }

    fn decoder<'de>(&self, read: SliceReader<'de>, lines: bool) -> Decoder<'_, 'de> {
        let depth = self.config.depth().min(MAX_DEPTH);
        Decoder {
            spec: self,
            read,
            limits: Limits::new(depth, self.config.limit()),
            limit: self.config.limit() as u64,
            lines: lines.then(Vec::new),
            level: 0,
            empty: 0,
        }
    }

    /// Decodes one message of the spec's message type (the first traced)
    /// that fills `bytes` exactly, as
    /// [`Config::from_slice`](crate::net::Config::from_slice) would decode
    /// it into the Rust type: the same values, and for bytes it refuses,
    /// the same [`ErrorKind`] at the same offset, within the limit and
    /// depth of the spec's config.
    ///
    /// Where it differs: what the Rust type's own `Deserialize` impl
    /// refuses beyond the layout (a [`Padded`](crate::with::Padded)
    /// field's padding, a `NonZeroU8`) is not checked; map keys may repeat
    /// ([`Value::Map`] keeps every entry); and since every value takes
    /// memory here, even one of no bytes, a depth above 256 counts as 256,
    /// and at most 65,536 values of no bytes (such as `()` elements) are
    /// decoded per message, beyond which the message fails with
    /// [`ErrorKind::LengthOverLimit`]. A value takes about 100 bytes of
    /// memory: a message of `n` bytes decodes into at most about `100 * n`
    /// bytes plus 6.5 MB.
    ///
    /// # Errors
    /// The decoding error, or [`ErrorKind::Custom`] when the spec has no
    /// message type.
    ///
    /// ```
    /// use netwire::ErrorKind;
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec, Value};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Header { kind: u8, len: u16 }
    ///
    /// let spec = Spec::new("p", Config::new(), Framing::SelfDelimited).message::<Header>()?;
    /// assert_eq!(spec.decode(&[1, 0, 3])?.field("len"), Some(&Value::U16(3)));
    /// let err = spec.decode(&[1, 0]).unwrap_err();
    /// assert_eq!((err.kind(), err.offset()), (&ErrorKind::UnexpectedEnd, Some(1)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode(&self, bytes: &[u8]) -> Result<Value> {
        self.decode_as(None, bytes)
    }

    /// As [`Spec::decode`], as the type `type_name` of the spec (`None`:
    /// the message type).
    ///
    /// # Errors
    /// As [`Spec::decode`]; [`ErrorKind::Custom`] when the spec has no
    /// such type.
    pub fn decode_as(&self, type_name: Option<&str>, bytes: &[u8]) -> Result<Value> {
        let root = self.root(type_name).map_err(Error::custom)?;
        let mut de = self.decoder(SliceReader::whole(bytes, self.config.limit()), false);
        let value = de.value(&root, Label::Root).map_err(|e| e.or_offset(0))?;
        let used = de.read.position();
        if used < bytes.len() {
            return Err(Error::new(ErrorKind::TrailingBytes, used as u64));
        }
        Ok(value)
    }

    /// Decodes one message from the front of `bytes`, as
    /// [`Config::take_from_slice`](crate::net::Config::take_from_slice)
    /// would; returns it with the number of bytes it took.
    ///
    /// # Errors
    /// As [`Spec::decode`].
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec, Value};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Ack(u16);
    ///
    /// let spec = Spec::new("p", Config::new(), Framing::SelfDelimited).message::<Ack>()?;
    /// let (value, used) = spec.decode_prefix(&[0, 9, 0, 10])?;
    /// assert_eq!(used, 2);
    /// assert_eq!(serde_json::to_string(&value)?, "9");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode_prefix(&self, bytes: &[u8]) -> Result<(Value, usize)> {
        let root = self.root(None).map_err(Error::custom)?;
        let mut de = self.decoder(SliceReader::new(bytes, self.config.limit()), false);
        let value = de.value(&root, Label::Root).map_err(|e| e.or_offset(0))?;
        Ok((value, de.read.position()))
    }

    /// A listing of one message (decoded as by [`Spec::decode`]) for a
    /// person reading a capture: a line per value with its byte range,
    /// name, type and value, nested values indented, and the error, if
    /// any, at the end, with its offset.
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// enum Msg { Ping(u32), Chat { room: u16, text: String } }
    ///
    /// let spec = Spec::new("chat", Config::new(), Framing::SelfDelimited).message::<Msg>()?;
    /// let dump = spec.dump(&[1, 0, 7, 0, 0, 0, 2, b'h', b'i']);
    /// assert_eq!(dump, "\
    /// 0000..0009  Msg::Chat (tag 1)
    /// 0001..0003    room: u16 = 7
    /// 0003..0009    text: str = \"hi\"
    /// ");
    /// assert!(spec.dump(&[1, 0, 7, 0, 0, 0, 2, b'h']).ends_with(
    ///     "0003..0007    text: str (error)\nerror: unexpected end of input at byte offset 3\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dump(&self, bytes: &[u8]) -> String {
        let mut out = String::new();
        let root = match self.root(None) {
            Ok(r) => r,
            Err(e) => return format!("error: {e}\n"),
        };
        let mut de = self.decoder(SliceReader::whole(bytes, self.config.limit()), true);
        let result = de
            .value(&root, Label::Root)
            .map_err(|e| e.or_offset(0))
            .and_then(|_| {
                let used = de.read.position();
                if used < bytes.len() {
                    return Err(Error::new(ErrorKind::TrailingBytes, used as u64));
                }
                Ok(())
            });
        for l in de.lines.take().unwrap_or_default() {
            let _ = write!(
                out,
                "{:04}..{:04}  {}",
                l.start,
                l.end,
                "  ".repeat(l.depth)
            );
            if !l.label.is_empty() {
                let _ = write!(out, "{}: ", l.label);
            }
            let _ = writeln!(out, "{}", l.text);
        }
        if let Err(e) = result {
            let _ = writeln!(out, "error: {e}");
        }
        out
    }
}

/// Whether a shape is a sequence of bytes (under an adapter or not).
fn bytes_like(s: &Shape) -> bool {
    match s {
        Shape::Seq(x) => **x == Shape::Prim(Prim::U8),
        Shape::Adapted(_, x) => bytes_like(x),
        _ => false,
    }
}

/// The name of a shape in a dump line.
pub(super) fn shape_name(s: &Shape) -> String {
    match s {
        Shape::Unknown => "?".into(),
        Shape::Prim(p) => p.name().into(),
        Shape::Char => "char".into(),
        Shape::Str => "str".into(),
        Shape::Bytes => "bytes".into(),
        Shape::Unit => "()".into(),
        Shape::Option(x) => format!("Option<{}>", shape_name(x)),
        Shape::Seq(x) => format!("Vec<{}>", shape_name(x)),
        Shape::Map(k, v) => format!("Map<{}, {}>", shape_name(k), shape_name(v)),
        Shape::Tuple(v) => {
            let parts: Vec<String> = v.iter().map(shape_name).collect();
            format!("({})", parts.join(", "))
        }
        Shape::Named(n) => n.clone(),
        Shape::Adapted(a, x) => format!("{} ({})", shape_name(x), super::trace::adapter_name(*a)),
        Shape::Padded(n) => format!("Padded<{n}>"),
    }
}

#[cold]
fn at(kind: ErrorKind, offset: u64) -> Error {
    Error::new(kind, offset)
}

/// An adapter on a shape it does not apply to: refused when the spec is
/// traced or read, so never met while decoding.
fn misplaced(offset: u64) -> Error {
    at(
        ErrorKind::Custom("an adapter on a field it does not apply to".into()),
        offset,
    )
}

impl<'de> Decoder<'_, 'de> {
    fn enter(&mut self, start: u64) -> Result<()> {
        self.limits.enter(Some(start))
    }

    fn leave(&mut self) {
        self.limits.leave();
    }

    fn charge(&mut self, n: u64, start: u64) -> Result<usize> {
        self.limits.elements(n, Some(start))?;
        usize::try_from(n).map_err(|_| {
            at(
                ErrorKind::LengthOverLimit {
                    len: n,
                    limit: self.limit,
                },
                start,
            )
        })
    }

    fn byte(&mut self) -> Result<u8> {
        let [b] = self.read.array::<1>()?;
        Ok(b)
    }

    /// An unsigned big-endian number of `width` bytes (1, 2, 4 or 8).
    fn uint(&mut self, width: usize) -> Result<u64> {
        Ok(match width {
            1 => u64::from(self.byte()?),
            2 => u64::from(u16::from_be_bytes(self.read.array()?)),
            4 => u64::from(u32::from_be_bytes(self.read.array()?)),
            _ => u64::from_be_bytes(self.read.array()?),
        })
    }

    /// A length prefix of the config's width.
    fn len(&mut self) -> Result<u64> {
        self.uint(self.spec.config.length_width().size())
    }

    /// Opens a dump line for a compound value; its text is set when the
    /// value ends.
    fn open(&mut self, label: Label<'_>, start: u64) -> Option<usize> {
        let lines = self.lines.as_mut()?;
        lines.push(Line {
            start,
            end: start,
            depth: self.level,
            label: label.to_string(),
            text: String::new(),
        });
        Some(lines.len() - 1)
    }

    fn close(&mut self, line: Option<usize>, text: impl FnOnce() -> String) {
        let end = self.read.pos();
        if let (Some(i), Some(lines)) = (line, self.lines.as_mut()) {
            if let Some(l) = lines.get_mut(i) {
                l.end = end;
                l.text = text();
            }
        }
    }

    /// Decodes a value of shape `s`, as the typed decoder would.
    fn value(&mut self, s: &Shape, label: Label<'_>) -> Result<Value> {
        let start = self.read.pos();
        let line = self.open(label, start);
        self.level += 1;
        let value = self.inner(s, start);
        self.level -= 1;
        let value = value.and_then(|v| {
            if self.read.pos() == start {
                self.empty += 1;
                if self.empty > MAX_EMPTY {
                    let kind = ErrorKind::LengthOverLimit {
                        len: self.empty,
                        limit: MAX_EMPTY,
                    };
                    return Err(at(kind, start));
                }
            }
            Ok(v)
        });
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                self.close(line, || format!("{} (error)", shape_name(s)));
                return Err(e);
            }
        };
        let raw = matches!(value, Value::Seq(_)) && bytes_like(s);
        if raw {
            // Bytes are shown as bytes, not one line per element.
            if let (Some(i), Some(lines)) = (line, self.lines.as_mut()) {
                lines.truncate(i + 1);
            }
        }
        self.close(line, || match (&value, s) {
            (Value::Seq(v), _) if raw => {
                let hex: String = v
                    .iter()
                    .map(|x| match x {
                        Value::U8(b) => format!("{b:02x}"),
                        _ => "??".into(),
                    })
                    .collect();
                format!("{} = 0x{hex}", shape_name(s))
            }
            (Value::Struct { name, .. }, _) => name.clone(),
            (
                Value::Variant {
                    name, variant, tag, ..
                },
                _,
            ) => format!("{name}::{variant} (tag {tag})"),
            (Value::Option(None), _) => format!("{} = None", shape_name(s)),
            (Value::Seq(v) | Value::Tuple(v), _) => {
                format!("{} ({} element(s))", shape_name(s), v.len())
            }
            (Value::Map(v), _) => format!("{} ({} entr(ies))", shape_name(s), v.len()),
            (Value::Option(Some(_)), _) => shape_name(s),
            (v, _) => format!("{} = {v}", shape_name(s)),
        });
        // A line for each compound value only if it has children; leaves
        // are one line.
        Ok(value)
    }

    fn inner(&mut self, s: &Shape, start: u64) -> Result<Value> {
        match s {
            Shape::Prim(p) => self.prim(*p, start),
            Shape::Char => self.char(start),
            Shape::Str => {
                let len = self.len()?;
                self.str_body(len, start)
            }
            Shape::Bytes => {
                let len = self.len()?;
                Ok(Value::Bytes(self.bytes_body(len, start)?))
            }
            Shape::Unit => Ok(Value::Unit),
            Shape::Option(x) => match self.byte()? {
                0 => Ok(Value::Option(None)),
                1 => {
                    self.enter(start)?;
                    let v = self.value(x, Label::Name("Some"))?;
                    self.leave();
                    Ok(Value::Option(Some(Box::new(v))))
                }
                b => Err(at(ErrorKind::InvalidOption(b), start)),
            },
            Shape::Seq(x) => {
                let n = self.len()?;
                let n = self.charge(n, start)?;
                self.counted(x, None, n, start)
            }
            Shape::Map(k, v) => {
                let n = self.len()?;
                let n = self.charge(n, start)?;
                self.counted(v, Some(k), n, start)
            }
            Shape::Tuple(v) => Ok(Value::Tuple(
                self.fixed(v.iter().map(|x| (None, x)), start)?,
            )),
            Shape::Named(n) => self.named(n, start),
            Shape::Adapted(a, x) => self.adapted(*a, x, start),
            Shape::Padded(n) => self.padded(*n, start),
            Shape::Unknown => Err(Error::custom("a type the spec could not trace")),
        }
    }

    fn prim(&mut self, p: Prim, start: u64) -> Result<Value> {
        Ok(match p {
            Prim::Bool => match self.byte()? {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                b => return Err(at(ErrorKind::InvalidBool(b), start)),
            },
            Prim::U8 => Value::U8(self.byte()?),
            Prim::I8 => Value::I8(i8::from_be_bytes(self.read.array()?)),
            Prim::U16 => Value::U16(u16::from_be_bytes(self.read.array()?)),
            Prim::I16 => Value::I16(i16::from_be_bytes(self.read.array()?)),
            Prim::U32 => Value::U32(u32::from_be_bytes(self.read.array()?)),
            Prim::I32 => Value::I32(i32::from_be_bytes(self.read.array()?)),
            Prim::U64 => Value::U64(u64::from_be_bytes(self.read.array()?)),
            Prim::I64 => Value::I64(i64::from_be_bytes(self.read.array()?)),
            Prim::U128 => Value::U128(u128::from_be_bytes(self.read.array()?)),
            Prim::I128 => Value::I128(i128::from_be_bytes(self.read.array()?)),
            Prim::F32 => Value::F32(f32::from_be_bytes(self.read.array()?)),
            Prim::F64 => Value::F64(f64::from_be_bytes(self.read.array()?)),
        })
    }

    fn char(&mut self, start: u64) -> Result<Value> {
        let first = self.byte()?;
        let width = match first {
            0x00..=0x7f => 1,
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return Err(at(ErrorKind::InvalidChar, start)),
        };
        let needed = start.saturating_add(width as u64);
        let relocate = |e: Error| {
            if e.is_eof() {
                Error::eof(start, needed)
            } else {
                e
            }
        };
        // The rest in one read, as the typed decoder reads it: a short
        // input gives the same error.
        let buf = match width {
            1 => [first, 0, 0, 0],
            2 => {
                let [a] = self.read.array::<1>().map_err(relocate)?;
                [first, a, 0, 0]
            }
            3 => {
                let [a, b] = self.read.array::<2>().map_err(relocate)?;
                [first, a, b, 0]
            }
            _ => {
                let [a, b, c] = self.read.array::<3>().map_err(relocate)?;
                [first, a, b, c]
            }
        };
        buf.get(..width)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.chars().next())
            .map(Value::Char)
            .ok_or_else(|| at(ErrorKind::InvalidChar, start))
    }

    fn bytes_body(&mut self, len: u64, start: u64) -> Result<Vec<u8>> {
        match self.read.bytes(len, start)? {
            Reference::Borrowed(b) | Reference::Copied(b) => Ok(b.to_vec()),
        }
    }

    fn str_body(&mut self, len: u64, start: u64) -> Result<Value> {
        let b = self.bytes_body(len, start)?;
        String::from_utf8(b)
            .map(Value::Str)
            .map_err(|_| at(ErrorKind::InvalidUtf8, start))
    }

    /// `n` elements (or entries, with a key shape) whose count was read at
    /// `start`.
    fn counted(
        &mut self,
        elem: &Shape,
        key: Option<&Shape>,
        n: usize,
        start: u64,
    ) -> Result<Value> {
        self.enter(start)?;
        let value = match key {
            None => {
                let mut v = Vec::new();
                for i in 0..n {
                    v.push(self.value(elem, Label::Index(i))?);
                }
                Value::Seq(v)
            }
            Some(k) => {
                let mut v = Vec::new();
                for _ in 0..n {
                    let key = self.value(k, Label::Key)?;
                    let val = self.value(elem, Label::Val)?;
                    v.push((key, val));
                }
                Value::Map(v)
            }
        };
        self.leave();
        Ok(value)
    }

    /// Fields one after the other, as one level.
    fn fixed<'a>(
        &mut self,
        fields: impl Iterator<Item = (Option<&'a str>, &'a Shape)>,
        start: u64,
    ) -> Result<Vec<Value>> {
        self.enter(start)?;
        let mut out = Vec::new();
        for (i, (name, s)) in fields.enumerate() {
            let label = name.map_or(Label::Index(i), Label::Name);
            out.push(self.value(s, label)?);
        }
        self.leave();
        Ok(out)
    }

    /// A [`crate::with::Padded`] string of `n` bytes: read as the tuple of
    /// `n` bytes it is on the wire, then checked as `Padded` checks it
    /// (zeros after the first 0, UTF-8 before it), with its words.
    fn padded(&mut self, n: usize, start: u64) -> Result<Value> {
        let byte = Shape::Prim(Prim::U8);
        let values = self.fixed(std::iter::repeat_n((None, &byte), n), start)?;
        let bytes: Vec<u8> = values
            .iter()
            .map(|v| match v {
                Value::U8(b) => *b,
                _ => 0,
            })
            .collect();
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(n);
        if let Some(i) = bytes[end..].iter().position(|&b| b != 0) {
            return Err(at(
                ErrorKind::Custom(format!(
                    "byte {} of a NUL-padded string of {n} bytes follows its terminator but is \
                     not 0",
                    end + i
                )),
                start,
            ));
        }
        if std::str::from_utf8(&bytes[..end]).is_err() {
            return Err(at(
                ErrorKind::Custom("a NUL-padded string is not valid UTF-8".into()),
                start,
            ));
        }
        Ok(Value::Tuple(values))
    }

    /// The fields of a struct or variant (whose tag, if any, is read).
    fn content(&mut self, f: &Fields) -> Result<Content> {
        let start = self.read.pos();
        Ok(match f {
            Fields::Unit => Content::Unit,
            Fields::Newtype(x) => {
                self.enter(start)?;
                let v = self.value(x, Label::Index(0))?;
                self.leave();
                Content::Newtype(Box::new(v))
            }
            Fields::Tuple(v) => Content::Tuple(self.fixed(v.iter().map(|x| (None, x)), start)?),
            Fields::Named(v) => {
                let values = self.fixed(v.iter().map(|(n, x)| (Some(n.as_str()), x)), start)?;
                Content::Struct(v.iter().map(|(n, _)| n.clone()).zip(values).collect())
            }
        })
    }

    fn named(&mut self, name: &str, start: u64) -> Result<Value> {
        let spec = self.spec;
        let Some(c) = spec.reg.containers.get(name) else {
            return Err(Error::custom(format!(
                "`{name}` is not a type of this spec"
            )));
        };
        match c {
            Container::Struct(f) => Ok(Value::Struct {
                name: name.to_string(),
                content: self.content(f)?,
            }),
            Container::Enum {
                tag_width,
                table,
                variants,
            } => {
                let count = variants.len();
                let tag = self.uint(*tag_width)?;
                let index = if *table {
                    variants.iter().position(|v| v.tag == tag)
                } else {
                    usize::try_from(tag).ok().filter(|&i| i < count)
                };
                let Some(v) = index.and_then(|i| variants.get(i)) else {
                    return Err(at(
                        ErrorKind::TagOutOfRange {
                            tag,
                            variants: count,
                        },
                        start,
                    ));
                };
                let Some(fields) = &v.fields else {
                    return Err(Error::new(
                        ErrorKind::Custom(format!("{name}::{} was not traced", v.name)),
                        start,
                    ));
                };
                Ok(Value::Variant {
                    name: name.to_string(),
                    variant: v.name.clone(),
                    tag,
                    content: self.content(fields)?,
                })
            }
        }
    }

    /// A length field of an adapter's width: `None` for −1.
    fn width(&mut self, w: Width) -> Result<Option<u64>> {
        let start = self.read.pos();
        let raw = self.uint(w.size())?;
        let bytes = raw.to_be_bytes();
        w.decode(&bytes[8 - w.size()..])
            .map_err(|n| at(ErrorKind::NegativeLength(n), start))
    }

    fn adapted(&mut self, a: Adapter, s: &Shape, start: u64) -> Result<Value> {
        match (a, s) {
            (Adapter::Len(w), Shape::Str | Shape::Bytes | Shape::Seq(_) | Shape::Map(..)) => {
                let len = match self.width(w)? {
                    Some(n) => n,
                    None => return Err(at(ErrorKind::NegativeLength(-1), start)),
                };
                self.known(len, s, start)
            }
            (Adapter::CStr, Shape::Str | Shape::Bytes) => {
                let b = match self.read.until_nul(start)? {
                    Reference::Borrowed(b) | Reference::Copied(b) => b.to_vec(),
                };
                if matches!(s, Shape::Bytes) {
                    return Ok(Value::Bytes(b));
                }
                String::from_utf8(b)
                    .map(Value::Str)
                    .map_err(|_| at(ErrorKind::InvalidUtf8, start))
            }
            (Adapter::Rest, Shape::Bytes) => match self.read.rest(start)? {
                Reference::Borrowed(b) | Reference::Copied(b) => Ok(Value::Bytes(b.to_vec())),
            },
            (Adapter::Rest, Shape::Seq(x)) => {
                if self.read.at_end().is_none() {
                    return Err(no_end());
                }
                self.open_seq(x, false, start)
            }
            (Adapter::NulTerminated, Shape::Seq(x)) => self.open_seq(x, true, start),
            (Adapter::Nullable(w), Shape::Option(x)) => match self.width(w)? {
                None => Ok(Value::Option(None)),
                Some(len) => {
                    let inner = self.read.pos();
                    let line = self.open(Label::Name("Some"), inner);
                    self.level += 1;
                    let v = self.known(len, x, inner);
                    self.level -= 1;
                    let v = v?;
                    self.close(line, || match &v {
                        Value::Seq(items) => {
                            format!("{} ({} element(s))", shape_name(x), items.len())
                        }
                        Value::Map(items) => {
                            format!("{} ({} entr(ies))", shape_name(x), items.len())
                        }
                        v => format!("{} = {v}", shape_name(x)),
                    });
                    Ok(Value::Option(Some(Box::new(v))))
                }
            },
            (Adapter::EmptyAsNone, Shape::Option(x)) => match self.read.at_end() {
                Some(true) => Ok(Value::Option(None)),
                Some(false) => Ok(Value::Option(Some(Box::new(
                    self.value(x, Label::Name("Some"))?,
                )))),
                None => Err(no_end()),
            },
            _ => Err(misplaced(start)),
        }
    }

    /// A string, bytes, sequence or map whose length `len` is known (read
    /// by an adapter); `start` is where the adapter's field starts for a
    /// length prefix, or where the body starts for a nullable's `Some`.
    fn known(&mut self, len: u64, s: &Shape, start: u64) -> Result<Value> {
        match s {
            Shape::Str => self.str_body(len, start),
            Shape::Bytes => Ok(Value::Bytes(self.bytes_body(len, start)?)),
            Shape::Seq(x) => {
                let n = self.charge(len, start)?;
                self.counted(x, None, n, start)
            }
            Shape::Map(k, v) => {
                let n = self.charge(len, start)?;
                self.counted(v, Some(k), n, start)
            }
            _ => Err(misplaced(start)),
        }
    }

    /// Elements up to the message's end, or up to a 0 byte.
    fn open_seq(&mut self, x: &Shape, terminated: bool, start: u64) -> Result<Value> {
        self.enter(start)?;
        let mut v = Vec::new();
        loop {
            let at_ = self.read.pos();
            if terminated {
                if self.read.peek()? == 0 {
                    self.read.array::<1>()?;
                    break;
                }
            } else if self.read.at_end() != Some(false) {
                break;
            }
            self.charge(1, at_)?;
            v.push(self.value(x, Label::Index(v.len()))?);
            if self.read.pos() == at_ {
                return Err(at(ErrorKind::EmptyMessage, at_));
            }
        }
        self.leave();
        Ok(Value::Seq(v))
    }
}
