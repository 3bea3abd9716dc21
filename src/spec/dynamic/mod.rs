//! Bytes decoded with a spec alone: [`Value`], [`Spec::decode`],
//! [`Spec::decode_prefix`] and [`Spec::dump`].
//!
//! The decoder walks the traced layout over the same reader, limits and
//! error constructors as the typed `net` decoder, step for step, so it
//! accepts and refuses the same bytes with the same [`ErrorKind`]s and
//! offsets (`tests/spec/dynamic.rs` checks this against the typed decoder).
//!
//! `ser` holds how a [`Value`] prints (serde and `Display`); `decoder`
//! holds the decoder's state, its limits and the reading of numbers,
//! characters and strings; `walk` walks a shape (containers, enums,
//! adapters) over them; `dump` holds the lines of [`Spec::dump`] and the
//! names of shapes in them.

mod decoder;
mod dump;
mod ser;
mod walk;

use std::fmt::Write as _;

use super::Spec;
use crate::error::{Error, ErrorKind, Result};
use crate::net::read::{Read as _, SliceReader};
use dump::Label;
pub(super) use dump::shape_name;

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

impl Spec {
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
        let value = de
            .value(&root, Label::Root)
            .map_err(|e| de.read.resolve(e).or_offset(0))?;
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
        let value = de
            .value(&root, Label::Root)
            .map_err(|e| de.read.resolve(e).or_offset(0))?;
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
            .map_err(|e| de.read.resolve(e).or_offset(0))
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
