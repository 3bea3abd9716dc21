//! Field adapters for protocols you did not design: name one in
//! `#[serde(with = "...")]` and the field takes the layout a C server or an
//! RFC gives it, with plain serde derive.
//!
//! | adapter | wrapper | field types | `net` bytes |
//! |---|---|---|---|
//! | [`len_u8`], [`len_u16`], [`len_u32`], [`len_u64`] | [`LenU8`], [`LenU16`], [`LenU32`], [`LenU64`] | strings, bytes, sequences, maps | the length in that width, then the items |
//! | [`len_i16`], [`len_i32`] | [`LenI16`], [`LenI32`] | the same | a signed length (never negative) |
//! | [`nullable_i16`], [`nullable_i32`] | [`NullableI16`], [`NullableI32`] | `Option` of a string, bytes or sequence | `None` is the length −1, no option byte |
//! | [`cstr`] | [`NulStr`] | strings, bytes | the bytes, then a 0 byte |
//! | [`rest`] | [`Rest`], [`RestBytes`] | bytes, sequences (the last field) | the items to the end of the frame, no prefix |
//! | [`nul_terminated`] | [`NulTerminated`] | sequences | the elements, then a 0 byte |
//! | [`empty_as_none`] | [`EmptyAsNone`] | `Option` (the whole message) | nothing for `None`, the value for `Some` |
//! | | [`Padded<N>`](Padded) | a string in a `char[N]` | exactly `N` bytes, NUL-padded |
//! | [`records`] | | `Vec<T>`, `Box<[T]>`, `[T; N]`, `&[T]` of zerocopy records | the count, then the records' bytes in one copy |
//!
//! A module applies to a field; its wrapper type (`LenI16<String>`,
//! `NullableI32<Vec<u8>>`, …) has the same bytes anywhere a value goes:
//! sequence elements, map keys and values, tuple members, fields.
//! [`RestBytes`] is [`Rest`] for byte buffers, moved in one copy.
//!
//! Enum type codes that are not variant indices (opcodes 1 to 5, ASCII
//! letters, a `u16` code under a `u8` default) are set per enum in
//! [`net::Config::with_enum_tags`](crate::net::Config::with_enum_tags).
//!
//! ```
//! use serde::{Deserialize, Serialize};
//!
//! /// A login request of a C server: `u8 name_len; char name[]; char
//! /// host[]` (NUL-terminated), `u16 port`, then the rest of the frame.
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Login {
//!     #[serde(with = "netwire::with::len_u8")]
//!     name: String,
//!     #[serde(with = "netwire::with::cstr")]
//!     host: String,
//!     port: u16,
//!     #[serde(with = "netwire::with::rest")]
//!     token: Vec<u8>,
//! }
//!
//! let login = Login { name: "ann".into(), host: "h".into(), port: 80, token: vec![7, 7] };
//! let bytes = netwire::net::to_vec(&login)?;
//! assert_eq!(bytes, [3, b'a', b'n', b'n', b'h', 0, 0, 80, 7, 7]);
//! assert_eq!(netwire::net::from_slice::<Login>(&bytes)?, login);
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! Each adapter applies to the length (or the option) at the very start
//! of its field, and only there: an adapter on a value that does not
//! start with one (a `u32`, a tuple of numbers) is an encode and decode
//! error, never a silent change to another field. The adapters add no
//! nesting level. In `ascii`, whose lengths are decimal anyway, every
//! adapter but [`Padded`] leaves the field as it would be without it.
//!
//! [`rest`] and [`empty_as_none`] need to know where the message ends: a
//! frame's payload, a datagram, `from_slice`. Where no end is known
//! (`take_from_slice`, `from_reader`, a self-delimited stream) they are
//! [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported), when reading
//! and when writing, not a greedy read. A `rest` field, or an
//! `empty_as_none` `None`, must be the last thing in the message: writing
//! anything after one, at any depth, is
//! [`ErrorKind::EndNotLast`](crate::ErrorKind::EndNotLast), and an
//! `empty_as_none` `Some` that writes no bytes at the very end is
//! [`ErrorKind::EmptySome`](crate::ErrorKind::EmptySome): either would
//! read back as another value.

use std::fmt;
use std::marker::PhantomData;

mod wrap;

pub use wrap::{
    EmptyAsNone, LenI16, LenI32, LenU8, LenU16, LenU32, LenU64, NulStr, NulTerminated, NullableI16,
    NullableI32, Rest, RestBytes,
};

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{self, Serialize, SerializeTuple, Serializer};

pub mod records;

/// How an adapter writes its field; read by the `net` serializer and
/// deserializer from the adapter's newtype name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Adapter {
    /// A length prefix of this width.
    Len(Width),
    /// `None` as a length of −1 in this (signed) width.
    Nullable(Width),
    /// NUL-terminated bytes.
    CStr,
    /// Everything up to the end of the message.
    Rest,
    /// Elements up to a 0 byte.
    NulTerminated,
    /// An `Option` that is `None` when the message is empty.
    EmptyAsNone,
    /// A length already read (the `Some` of a nullable field).
    Known(u64),
    /// Fixed-layout records in one run of bytes (see [`records`]).
    Records,
}

/// The width of an adapter's length field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Width {
    U8,
    U16,
    U32,
    U64,
    I16,
    I32,
}

impl Width {
    /// Bytes on the wire.
    pub(crate) const fn size(self) -> usize {
        match self {
            Width::U8 => 1,
            Width::U16 | Width::I16 => 2,
            Width::U32 | Width::I32 => 4,
            Width::U64 => 8,
        }
    }

    /// The largest length it carries.
    pub(crate) const fn max(self) -> u64 {
        match self {
            Width::U8 => u8::MAX as u64,
            Width::U16 => u16::MAX as u64,
            Width::I16 => i16::MAX as u64,
            Width::U32 => u32::MAX as u64,
            Width::I32 => i32::MAX as u64,
            Width::U64 => u64::MAX,
        }
    }

    /// The big-endian bytes of the field holding `value`, or −1 for `None`
    /// (two's complement: all ones, whatever the width).
    pub(crate) fn encode(self, value: Option<u64>, buf: &mut [u8; 8]) -> &[u8] {
        *buf = value.unwrap_or(u64::MAX).to_be_bytes();
        &buf[8 - self.size()..]
    }

    /// Reads a field of this width from its big-endian bytes: `Ok(None)`
    /// for −1 in a signed width, `Err(v)` for another negative value.
    pub(crate) fn decode(self, bytes: &[u8]) -> Result<Option<u64>, i64> {
        let raw = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let signed = match self {
            Width::I16 => i64::from(raw as u16 as i16),
            Width::I32 => i64::from(raw as u32 as i32),
            _ => return Ok(Some(raw)),
        };
        match signed {
            -1 => Ok(None),
            n if n < 0 => Err(n),
            n => Ok(Some(n as u64)),
        }
    }
}

/// The newtype names that carry an adapter. A leading `$` keeps them apart
/// from any Rust type name.
const NAMES: [(&str, Adapter); 13] = [
    // First: the one field whose whole cost can be this lookup.
    (records::NAME, Adapter::Records),
    ("$netwire::len_u8", Adapter::Len(Width::U8)),
    ("$netwire::len_u16", Adapter::Len(Width::U16)),
    ("$netwire::len_u32", Adapter::Len(Width::U32)),
    ("$netwire::len_u64", Adapter::Len(Width::U64)),
    ("$netwire::len_i16", Adapter::Len(Width::I16)),
    ("$netwire::len_i32", Adapter::Len(Width::I32)),
    ("$netwire::nullable_i16", Adapter::Nullable(Width::I16)),
    ("$netwire::nullable_i32", Adapter::Nullable(Width::I32)),
    ("$netwire::cstr", Adapter::CStr),
    ("$netwire::rest", Adapter::Rest),
    ("$netwire::nul_terminated", Adapter::NulTerminated),
    ("$netwire::empty_as_none", Adapter::EmptyAsNone),
];

/// The adapter a newtype name stands for, if any.
#[inline]
pub(crate) fn adapter(name: &str) -> Option<Adapter> {
    if !name.starts_with('$') {
        return None;
    }
    adapter_slow(name)
}

#[cold]
fn adapter_slow(name: &str) -> Option<Adapter> {
    NAMES.iter().find(|(n, _)| *n == name).map(|&(_, a)| a)
}

/// Passes the field's own deserializer through a newtype.
struct Through<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Through<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an adapted field")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize(d)
    }
}

macro_rules! adapters {
    ($($(#[$doc:meta])* $module:ident = $name:literal;)*) => {$(
        $(#[$doc])*
        pub mod $module {
            use super::*;

            /// Serializes the field with this adapter (serde's `with`).
            ///
            /// # Errors
            /// As the format's serializer; see the [module](super) docs.
            pub fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
            where
                T: ?Sized + Serialize,
                S: Serializer,
            {
                serializer.serialize_newtype_struct($name, value)
            }

            /// Deserializes the field with this adapter (serde's `with`).
            ///
            /// # Errors
            /// As the format's deserializer; see the [module](super) docs.
            pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
            where
                T: Deserialize<'de>,
                D: Deserializer<'de>,
            {
                deserializer.deserialize_newtype_struct($name, Through(PhantomData))
            }
        }
    )*};
}

adapters! {
    /// A `u8` length prefix for this string, byte string (with
    /// `serde_bytes`), sequence or map, whatever the config's width.
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Label(#[serde(with = "netwire::with::len_u8")] String);
    /// assert_eq!(netwire::net::to_vec(&Label("www".into()))?, [3, b'w', b'w', b'w']);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    len_u8 = "$netwire::len_u8";
    /// A big-endian `u16` length prefix.
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Ids(#[serde(with = "netwire::with::len_u16")] Vec<u8>);
    /// assert_eq!(netwire::net::to_vec(&Ids(vec![9, 8]))?, [0, 2, 9, 8]);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    len_u16 = "$netwire::len_u16";
    /// A big-endian `u32` length prefix (the config's default width, named).
    len_u32 = "$netwire::len_u32";
    /// A big-endian `u64` length prefix.
    len_u64 = "$netwire::len_u64";
    /// A big-endian `i16` length prefix; a negative length on the wire is
    /// [`ErrorKind::NegativeLength`](crate::ErrorKind::NegativeLength).
    len_i16 = "$netwire::len_i16";
    /// A big-endian `i32` length prefix (Kafka's `STRING`, Java's
    /// `DataOutput` arrays); a negative length on the wire is
    /// [`ErrorKind::NegativeLength`](crate::ErrorKind::NegativeLength).
    len_i32 = "$netwire::len_i32";
    /// An `Option` of a string, byte string or sequence whose `None` is the
    /// `i16` length −1 (Kafka's `NULLABLE_STRING`): no option byte.
    ///
    /// ```
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct Client(#[serde(with = "netwire::with::nullable_i16")] Option<String>);
    /// assert_eq!(netwire::net::to_vec(&Client(None))?, [0xff, 0xff]);
    /// assert_eq!(netwire::net::to_vec(&Client(Some("k".into())))?, [0, 1, b'k']);
    /// assert_eq!(netwire::net::from_slice::<Client>(&[0xff, 0xff])?, Client(None));
    /// # Ok::<(), netwire::Error>(())
    /// ```
    nullable_i16 = "$netwire::nullable_i16";
    /// As [`nullable_i16`] with an `i32` length
    /// (Kafka's `NULLABLE_BYTES`).
    nullable_i32 = "$netwire::nullable_i32";
    /// A C string: the bytes of this string (or byte string), then a 0
    /// byte, no prefix. A 0 byte inside is an encode error
    /// ([`ErrorKind::InvalidCString`](crate::ErrorKind::InvalidCString));
    /// a missing terminator is `UnexpectedEnd` at the string's start.
    ///
    /// ```
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct Mode(#[serde(with = "netwire::with::cstr")] String);
    /// assert_eq!(netwire::net::to_vec(&Mode("octet".into()))?, b"octet\0");
    /// assert_eq!(netwire::net::from_slice::<Mode>(b"octet\0")?, Mode("octet".into()));
    /// # Ok::<(), netwire::Error>(())
    /// ```
    cstr = "$netwire::cstr";
    /// The rest of the message: the bytes (or the elements of a sequence)
    /// from here to the end of the frame or datagram, no prefix. Only as a
    /// message's last field, and only where its end is known. For large
    /// payloads use [`RestBytes`] (or `serde_bytes::ByteBuf` under this
    /// module): a `Vec<u8>` goes through serde one element at a time, a
    /// byte string in one copy.
    ///
    /// ```
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct Data {
    ///     block: u16,
    ///     #[serde(with = "netwire::with::rest")]
    ///     bytes: Vec<u8>,
    /// }
    /// let wire = [0, 1, b'h', b'i'];
    /// let data: Data = netwire::net::from_slice(&wire)?;
    /// assert_eq!(data, Data { block: 1, bytes: b"hi".to_vec() });
    /// // With no known end there is no "rest".
    /// assert!(netwire::net::take_from_slice::<Data>(&wire).is_err());
    /// # Ok::<(), netwire::Error>(())
    /// ```
    rest = "$netwire::rest";
    /// A sequence ended by a 0 byte where the next element would start:
    /// C-string key/value pairs closed by an empty string, or length-prefixed
    /// labels closed by an empty label. Elements must not start with a 0
    /// byte.
    ///
    /// ```
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct Name(
    ///     #[serde(with = "netwire::with::nul_terminated")]
    ///     Vec<Label>,
    /// );
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct Label(#[serde(with = "netwire::with::len_u8")] String);
    ///
    /// // example.com as a DNS name (RFC 1035, 3.1).
    /// let name = Name(vec![Label("example".into()), Label("com".into())]);
    /// let wire = netwire::net::to_vec(&name)?;
    /// assert_eq!(wire, b"\x07example\x03com\x00");
    /// assert_eq!(netwire::net::from_slice::<Name>(&wire)?, name);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    nul_terminated = "$netwire::nul_terminated";
    /// An `Option` that is `None` when nothing is left of the message (a
    /// zero-length frame, such as a keep-alive) and otherwise the value,
    /// with no option byte. Only where the message's end is known.
    ///
    /// ```
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct Frame(#[serde(with = "netwire::with::empty_as_none")] Option<(u8, u32)>);
    /// assert_eq!(netwire::net::from_slice::<Frame>(&[])?, Frame(None));
    /// assert_eq!(netwire::net::to_vec(&Frame(Some((4, 1))))?, [4, 0, 0, 0, 1]);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    empty_as_none = "$netwire::empty_as_none";
}

/// A string in a fixed-size, NUL-padded field (`char name[N]`): exactly
/// `N` bytes on the wire in `net` (in `ascii`, `N` numbers).
///
/// Encoding a string longer than `N` bytes, or one holding a 0 byte, is an
/// error. Decoding stops at the first 0 byte, and the bytes after it must
/// be 0 too (a field with stray bytes after its terminator is an error, so
/// garbage is never read as data); the string must be UTF-8. A string of
/// exactly `N` bytes has no terminator, as with `strncpy`.
///
/// ```
/// use netwire::with::Padded;
///
/// let name = Padded::<8>::new("eth0")?;
/// let wire = netwire::net::to_vec(&name)?;
/// assert_eq!(wire, b"eth0\0\0\0\0");
/// assert_eq!(netwire::net::from_slice::<Padded<8>>(&wire)?.as_str(), "eth0");
/// assert!(Padded::<2>::new("eth0").is_err());
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Padded<const N: usize>(String);

impl<const N: usize> Padded<N> {
    /// The field holding `s`.
    ///
    /// # Errors
    /// [`ErrorKind::LengthOverflow`](crate::ErrorKind::LengthOverflow) when
    /// `s` is longer than `N` bytes,
    /// [`ErrorKind::InvalidCString`](crate::ErrorKind::InvalidCString) when
    /// it holds a 0 byte.
    pub fn new(s: impl Into<String>) -> crate::Result<Self> {
        let s = s.into();
        check_padded(s.as_bytes(), N)?;
        Ok(Padded(s))
    }

    /// The string, without its padding.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

fn check_padded(bytes: &[u8], n: usize) -> crate::Result<()> {
    if bytes.len() > n {
        return Err(crate::Error::without_offset(
            crate::ErrorKind::LengthOverflow {
                len: bytes.len() as u64,
                max: n as u64,
            },
        ));
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        return Err(crate::Error::new(
            crate::ErrorKind::InvalidCString,
            at as u64,
        ));
    }
    Ok(())
}

impl<const N: usize> Serialize for Padded<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes = self.0.as_bytes();
        check_padded(bytes, N).map_err(ser::Error::custom)?;
        let mut tuple = serializer.serialize_tuple(N)?;
        for i in 0..N {
            tuple.serialize_element(&bytes.get(i).copied().unwrap_or(0))?;
        }
        tuple.end()
    }
}

impl<'de, const N: usize> Deserialize<'de> for Padded<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes<const N: usize>;

        impl<'de, const N: usize> Visitor<'de> for Bytes<N> {
            type Value = Padded<N>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a NUL-padded string of {N} bytes")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Padded<N>, A::Error> {
                let mut text = Vec::new();
                let mut ended = false;
                for i in 0..N {
                    let Some(b) = seq.next_element::<u8>()? else {
                        return Err(de::Error::invalid_length(i, &self));
                    };
                    match (b, ended) {
                        (0, _) => ended = true,
                        (b, false) => text.push(b),
                        (_, true) => {
                            return Err(de::Error::custom(format_args!(
                                "byte {i} of a NUL-padded string of {N} bytes follows its \
                                 terminator but is not 0"
                            )));
                        }
                    }
                }
                String::from_utf8(text)
                    .map(Padded)
                    .map_err(|_| de::Error::custom("a NUL-padded string is not valid UTF-8"))
            }
        }

        deserializer.deserialize_tuple(N, Bytes::<N>)
    }
}
