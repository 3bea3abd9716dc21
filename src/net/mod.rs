//! `net`: serde values in network byte order.
//!
//! The `net` format writes every value the way classic C protocols put
//! structs on the wire (`htons`, `htonl`): fixed-width big-endian numbers,
//! fields in declaration order, no field names and no type information.
//! The reader must know the type it expects, exactly as the writer did.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, PartialEq, Debug)]
//! enum Msg<'a> {
//!     Ping(u32),
//!     Chat { room: u16, text: &'a str },
//!     Bye,
//! }
//!
//! let bytes = netwire::net::to_vec(&Msg::Chat { room: 7, text: "hi" })?;
//! //                  tag  room    text: u32 length  'h'   'i'
//! assert_eq!(bytes, [1,   0, 7,   0, 0, 0, 2,       b'h', b'i']);
//!
//! // `text` borrows from `bytes`.
//! let back: Msg = netwire::net::from_slice(&bytes)?;
//! assert_eq!(back, Msg::Chat { room: 7, text: "hi" });
//!
//! // Several messages back to back: decode one, keep the rest.
//! let mut stream = netwire::net::to_vec(&Msg::Ping(9))?;
//! stream.extend(netwire::net::to_vec(&Msg::Bye)?);
//! assert_eq!(stream, [0, 0, 0, 0, 9, 2]);
//! let (first, rest) = netwire::net::take_from_slice::<Msg>(&stream)?;
//! assert_eq!((first, rest), (Msg::Ping(9), &[2u8][..]));
//!
//! assert_eq!(netwire::net::encoded_len(&Msg::Bye)?, 1);
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! # The format
//!
//! This table is the normative definition of the format. "Length prefix" and
//! "tag" are unsigned big-endian integers whose widths the [`Config`] sets
//! (by default a `u32` length prefix and a `u8` tag).
//!
//! | serde type | bytes |
//! |---|---|
//! | `bool` | 1 byte, `0x00` or `0x01`; any other byte is an error |
//! | `u8`/`i8` … `u128`/`i128` | fixed width, big-endian, two's complement |
//! | `f32`/`f64` | the IEEE-754 bits, big-endian (every NaN payload survives) |
//! | `char` | its UTF-8 bytes (1–4); anything but one scalar value is an error |
//! | `str`, bytes | length prefix (in bytes), then the bytes; `str` must be valid UTF-8 |
//! | `Option` | 1 byte, `0x00` for `None`, `0x01` for `Some` followed by the value |
//! | unit, unit struct | nothing |
//! | newtype struct | the inner value |
//! | seq, map | length prefix (the element count), then the elements (a map's as key, value, key, value, …); a seq of unknown length is still written with its count |
//! | tuple, tuple struct, struct, `[T; N]` | the fields in order, no prefix |
//! | enum | the variant index as a tag, then the variant's content as above (unit: nothing, newtype: the value, tuple and struct variants: the fields) |
//!
//! Every message is exactly the concatenation of its parts: there is no
//! header, padding or alignment, and decoding reads exactly the bytes the
//! value occupies.
//!
//! ```
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Header { kind: u8, flags: u16, len: u32 }
//!
//! let bytes = netwire::net::to_vec(&(Header { kind: 1, flags: 0x0203, len: 0x04050607 }, Some('é'), vec![true, false]))?;
//! assert_eq!(bytes, [
//!     1, 2, 3, 4, 5, 6, 7,  // the struct's fields, in order
//!     1, 0xc3, 0xa9,        // Some, then 'é' in UTF-8
//!     0, 0, 0, 2, 1, 0,     // a Vec: u32 count, then its elements
//! ]);
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! ## Widths
//!
//! | setting | choices | default | [`Config::bincode_legacy`] |
//! |---|---|---|---|
//! | length prefix ([`LengthWidth`]) | `u8`, `u16`, `u32`, `u64` | `u32` | `u64` |
//! | enum tag ([`TagWidth`]) | `u8`, `u16`, `u32` | `u8` | `u32` |
//!
//! An enum tag is the HOWTO's "type indicator" byte. A variant index that
//! does not fit the tag width is an encoding error
//! ([`ErrorKind::TagOverflow`](crate::ErrorKind::TagOverflow)), and so is a
//! length that does not fit the prefix
//! ([`ErrorKind::LengthOverflow`](crate::ErrorKind::LengthOverflow)): values
//! are never truncated.
//!
//! [`Config::bincode_legacy`] produces the same bytes as bincode 2.0.1 with
//! `bincode::config::legacy().with_big_endian()` for every serde type, so a
//! protocol defined by that layout can move to netwire unchanged.
//!
//! ## Limits
//!
//! A decoder works on untrusted input, so it is bounded:
//!
//! - **Bytes.** One message may occupy at most [`Config::limit`] bytes
//!   (default 16 MiB). A string or byte string whose declared length would
//!   end past the limit fails with
//!   [`LengthOverLimit`](crate::ErrorKind::LengthOverLimit) `{ len, limit }`
//!   where `len` is the declared length and `limit` the bytes the limit
//!   still allows. The element counts of all sequences and maps in one
//!   message share one budget equal to the limit: a count above what is
//!   left of it fails the same way, with `limit` the budget left (so even
//!   nested sequences of zero-sized values cannot make a short input loop
//!   longer than the limit allows); any other
//!   read past the limit reports `len` as the message length needed so far.
//!   All of this is detected before allocating. Encoding a message larger
//!   than the limit is an error as well.
//! - **Memory.** A length prefix never makes the decoder allocate for
//!   bytes that are not there. From a slice, strings and byte strings are
//!   borrowed (or copied once they are known to be present). A sequence or
//!   map read from a slice hints serde its count capped by the bytes left
//!   in the slice, but only while the message's hint budget lasts: each
//!   hint may make serde reserve up to 1 MiB, and the hints of the
//!   collections still open may reserve at most the limit in total (so a
//!   limit under 1 MiB gives no hints, and nested hostile counts cannot add
//!   up). A collection decoded whole gives its share back: its reservation
//!   was at most what its elements take. Collections without a hint grow
//!   as their elements arrive. From a reader nothing is present ahead of
//!   time: a string or
//!   byte string reserves at most its length — which the limit has already
//!   bounded — and at most 64 KiB before its bytes arrive, and collections
//!   get no size hint and grow as their elements arrive.
//! - **Depth.** Each compound value — sequence, map, tuple, struct, newtype
//!   struct, `Some`, the content of a newtype, tuple or struct variant —
//!   counts one level; more than [`Config::depth`] (default 128) nested
//!   levels fail with [`DepthLimit`](crate::ErrorKind::DepthLimit), so a
//!   recursive type fed hostile input returns an error instead of
//!   overflowing the stack.
//!
//! The encoder applies the same depth limit and element budget, so a
//! `Config` never writes a message that it would refuse to read (a value
//! 200 levels deep is a [`DepthLimit`](crate::ErrorKind::DepthLimit) error
//! under the default 128, without an offset).
//!
//! ## Skipped fields
//!
//! Struct fields are positional: nothing on the wire names them. A field
//! that `#[serde(skip_serializing_if = ...)]` leaves out would make the
//! decoder read the next field's bytes in its place, so the encoder refuses
//! it with [`SkippedField`](crate::ErrorKind::SkippedField):
//!
//! ```
//! use netwire::ErrorKind;
//!
//! #[derive(serde::Serialize)]
//! struct Reply {
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     note: Option<u8>,
//!     code: u8,
//! }
//! let err = netwire::net::to_vec(&Reply { note: None, code: 7 }).unwrap_err();
//! assert_eq!(err.kind(), &ErrorKind::SkippedField("note"));
//! assert_eq!(netwire::net::to_vec(&Reply { note: Some(1), code: 7 })?, [1, 1, 7]);
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! (`#[serde(skip)]` leaves the field out of both sides and is fine;
//! `skip_serializing` alone cannot be seen by the encoder: the round trip
//! tests of [`crate::fuzz`] catch it.)
//!
//! ## Adapters: layouts of other protocols
//!
//! The fields of a message can take the layout an existing protocol gives
//! them, with the serde `with` modules of [`crate::with`] and per-enum tag
//! tables ([`Config::with_enum_tags`]). Each is normative here; the linked
//! items carry a byte-exact example.
//!
//! | adapter | bytes | decoding errors | `ascii` |
//! |---|---|---|---|
//! | [`len_u8`](crate::with::len_u8) … [`len_u64`](crate::with::len_u64) | the length in that width (big-endian), then the items; the config's width does not apply | as a plain field; a length too wide to write is `LengthOverflow` | a plain field |
//! | [`len_i16`](crate::with::len_i16), [`len_i32`](crate::with::len_i32) | a signed big-endian length, never negative | a negative length is `NegativeLength(n)` at the field | a plain field |
//! | [`nullable_i16`](crate::with::nullable_i16), [`nullable_i32`](crate::with::nullable_i32) | `None`: the length −1 (`ff ff`); `Some`: the length and the items, no option byte | −2 and below are `NegativeLength` | an `Option` (`~`, `+`) |
//! | [`cstr`](crate::with::cstr) | the bytes, then `00`, no prefix | no `00` before the input ends: `UnexpectedEnd` at the string's start; encoding a `00` inside: `InvalidCString` at its index | a plain string |
//! | [`Padded<N>`](crate::with::Padded) | exactly `N` bytes: the string, then `00` to the end (none when it fills them) | a nonzero byte after the first `00`: `Custom`; not UTF-8: `Custom` | `N` numbers |
//! | [`rest`](crate::with::rest) | the bytes or elements to the end of the message, no prefix | the end must be known (`from_slice`, a frame's payload): otherwise `Unsupported`; a partial element is `UnexpectedEnd`; encoding a byte after it: `EndNotLast` | a plain field |
//! | [`nul_terminated`](crate::with::nul_terminated) | the elements, then `00` where the next element would start | no `00`: `UnexpectedEnd`; an element must take a byte and not start with `00` (encode: `Unsupported`) | a plain sequence |
//! | [`records`](crate::with::records) | `Vec<T>`, `Box<[T]>`, `&[T]` of zerocopy records: the count in the config's width, then `count × size_of::<T>()` bytes; `[T; N]`: the bytes alone | a count whose bytes pass the limit: `LengthOverLimit` at the count, before any allocation; a short input: `UnexpectedEnd` at the count | a count, then one number per byte |
//! | [`empty_as_none`](crate::with::empty_as_none) | `None`: nothing; `Some`: the value, no option byte | the end must be known, as for `rest`; encoding a byte after `None`: `EndNotLast`, a `Some` of no bytes at the end: `EmptySome` | an `Option` |
//! | [`EnumTags`] | the variant's tag from the table, in the table's width | a tag not in the table: `TagOutOfRange { tag, variants }` at the tag | the variant index |
//!
//! An adapter applies to the length, string or option its field starts with
//! and to nothing else: on any other field it is `Unsupported`, when encoding
//! and when decoding. Adapters add no nesting level.
//!
//! A value is encoded only when its bytes read back as it: whatever follows
//! a `rest` field or an `empty_as_none` `None` (a later field, a second such
//! field, the next element of a sequence, a terminator), at any depth, is
//! [`ErrorKind::EndNotLast`](crate::ErrorKind::EndNotLast), naming the
//! field and the one after it. Every entry point checks it (`to_vec`,
//! `to_slice`, `to_buf_mut`, `append_to_vec`, `encoded_len`, the message
//! writers and codecs), and those that append leave their output as it was.
//!
//! ```
//! use netwire::ErrorKind;
//!
//! #[derive(serde::Serialize)]
//! struct Shifted {
//!     #[serde(with = "netwire::with::empty_as_none")]
//!     a: Option<u8>,
//!     b: u8,
//! }
//! // `a: None, b: 5` would be the byte 5, which reads back as `a: Some(5)`.
//! let err = netwire::net::to_vec(&Shifted { a: None, b: 5 }).unwrap_err();
//! assert_eq!(err.kind(), &ErrorKind::EndNotLast { field: Some("a"), next: Some("b") });
//! ```
//!
//! # Errors
//!
//! Every decoding error carries an [`ErrorKind`](crate::ErrorKind) and the
//! byte offset, from the start of the input (or from where the reader
//! was), of the item that failed:
//!
//! | kind | offset |
//! |---|---|
//! | `UnexpectedEnd` | the item the input ended in; [`Error::needed`](crate::Error::needed) is the exact input length that item needs |
//! | `InvalidBool`, `InvalidOption` | the byte |
//! | `InvalidChar` | the char's first byte |
//! | `InvalidUtf8`, `LengthOverLimit` for a string | the string's length prefix |
//! | `LengthOverLimit` for a count | the count |
//! | `LengthOverLimit` for any other item | the item that would end past the limit |
//! | `TagOutOfRange` | the tag (checked against the number of variants) |
//! | `DepthLimit` | the compound value one level too deep |
//! | `TrailingBytes` | the first byte after the message ([`from_slice`] only) |
//! | `NotSelfDescribing` | where the type asked for "any" value |
//! | `Io` ([`from_reader`] only) | the item being read |
//! | `Unsupported` (a type or framing that cannot work as configured) | none: it is not at any byte |
//! | `Custom` (from a `Deserialize` impl) | the innermost value being decoded; a check made after a value was read (such as `#[serde(try_from)]`) reports the value enclosing it, or 0 |
//!
//! ```
//! use netwire::ErrorKind;
//!
//! // A (u16, String) whose string claims 4 bytes but has 2.
//! let err = netwire::net::from_slice::<(u16, String)>(&[0, 1, 0, 0, 0, 4, b'h', b'i']).unwrap_err();
//! assert_eq!(err.kind(), &ErrorKind::UnexpectedEnd);
//! assert_eq!(err.offset(), Some(2));
//! assert_eq!(err.needed(), Some(10));
//!
//! // An enum with three variants cannot have tag 3.
//! #[derive(serde::Deserialize, Debug)]
//! enum Abc { A, B, C }
//! let err = netwire::net::from_slice::<Abc>(&[3]).unwrap_err();
//! assert_eq!(err.kind(), &ErrorKind::TagOutOfRange { tag: 3, variants: 3 });
//! assert_eq!(err.offset(), Some(0));
//! ```
//!
//! Types that need a self-describing format — `deserialize_any`, untagged
//! or internally tagged enums, `#[serde(flatten)]`, `serde_json::Value` —
//! fail with [`NotSelfDescribing`](crate::ErrorKind::NotSelfDescribing).

mod config;
mod de;
pub(crate) mod read;
mod ser;
mod tags;

use std::io;

use serde::Serialize;
use serde::de::{Deserialize, DeserializeOwned};

use crate::error::Result;

pub use config::{Config, EnumTagging, EnumTags, LengthWidth, NoTags, TagTable, TagWidth};

/// Encodes `value` with the default [`Config`] into a new `Vec`.
///
/// ```
/// let bytes = netwire::net::to_vec(&(0x0102u16, "ok"))?;
/// assert_eq!(bytes, [1, 2, 0, 0, 0, 2, b'o', b'k']);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::to_vec`].
pub fn to_vec<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>> {
    Config::new().to_vec(value)
}

/// Encodes `value` with the default [`Config`] and writes it to `writer`
/// with one `write_all`.
///
/// ```
/// let mut socket = Vec::new(); // any io::Write
/// netwire::net::to_writer(&mut socket, &[1u16, 2])?;
/// assert_eq!(socket, [0, 1, 0, 2]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::to_writer`].
pub fn to_writer<W: io::Write, T: ?Sized + Serialize>(writer: W, value: &T) -> Result<()> {
    Config::new().to_writer(writer, value)
}

/// Encodes `value` with the default [`Config`] into the front of `buf`;
/// returns the part written.
///
/// ```
/// let mut buf = [0u8; 64];
/// let used = netwire::net::to_slice(&(0x0102u16, "ok"), &mut buf)?;
/// assert_eq!(used, &[1, 2, 0, 0, 0, 2, b'o', b'k']);
///
/// let err = netwire::net::to_slice(&(0x0102u16, "ok"), &mut buf[..5]).unwrap_err();
/// // The slice is too small: the error says how many bytes are needed.
/// assert_eq!(err.kind(), &netwire::ErrorKind::BufferFull { needed: 8, available: 5 });
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::to_slice`].
pub fn to_slice<'b, T: ?Sized + Serialize>(value: &T, buf: &'b mut [u8]) -> Result<&'b mut [u8]> {
    Config::new().to_slice(value, buf)
}

/// Encodes `value` with the default [`Config`] into any [`bytes::BufMut`];
/// returns the number of bytes put.
///
/// ```
/// let mut buf = bytes::BytesMut::with_capacity(64);
/// netwire::net::to_buf_mut(&[1u16, 2], &mut buf)?;
/// assert_eq!(&buf[..], [0, 1, 0, 2]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::to_buf_mut`].
pub fn to_buf_mut<B: bytes::BufMut + ?Sized, T: ?Sized + Serialize>(
    value: &T,
    buf: &mut B,
) -> Result<usize> {
    Config::new().to_buf_mut(value, buf)
}

/// Appends the encoding of `value` with the default [`Config`] to `out`;
/// returns the number of bytes appended.
///
/// ```
/// let mut out = b"net:".to_vec();
/// netwire::net::append_to_vec(&7u32, &mut out)?;
/// assert_eq!(out, [b'n', b'e', b't', b':', 0, 0, 0, 7]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::append_to_vec`].
pub fn append_to_vec<T: ?Sized + Serialize>(value: &T, out: &mut Vec<u8>) -> Result<usize> {
    Config::new().append_to_vec(value, out)
}

/// The number of bytes [`to_vec`] would produce for `value`.
///
/// ```
/// assert_eq!(netwire::net::encoded_len(&(1u64, "abc"))?, 8 + 4 + 3);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::encoded_len`].
pub fn encoded_len<T: ?Sized + Serialize>(value: &T) -> Result<usize> {
    Config::new().encoded_len(value)
}

/// Decodes one value that fills `input` exactly, with the default
/// [`Config`].
///
/// ```
/// let v: (u16, &str) = netwire::net::from_slice(&[1, 2, 0, 0, 0, 2, b'o', b'k'])?;
/// assert_eq!(v, (0x0102, "ok"));
///
/// let err = netwire::net::from_slice::<u8>(&[1, 2]).unwrap_err();
/// assert_eq!(err.kind(), &netwire::ErrorKind::TrailingBytes);
/// assert_eq!(err.offset(), Some(1));
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::from_slice`].
pub fn from_slice<'de, T: Deserialize<'de>>(input: &'de [u8]) -> Result<T> {
    Config::new().from_slice(input)
}

/// Decodes one value from the front of `input` with the default
/// [`Config`]; returns it and the bytes after it.
///
/// ```
/// let (v, rest) = netwire::net::take_from_slice::<u16>(&[1, 2, 3])?;
/// assert_eq!((v, rest), (0x0102, &[3u8][..]));
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::take_from_slice`].
pub fn take_from_slice<'de, T: Deserialize<'de>>(input: &'de [u8]) -> Result<(T, &'de [u8])> {
    Config::new().take_from_slice(input)
}

/// Decodes exactly one value from `reader` with the default [`Config`],
/// reading no byte past its end.
///
/// ```
/// let mut socket: &[u8] = &[0, 7, 0, 0, 0, 1, b'x', 0xff];
/// let v: (u16, String) = netwire::net::from_reader(&mut socket)?;
/// assert_eq!(v, (7, "x".to_string()));
/// assert_eq!(socket, [0xff]); // the next message starts here
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::from_reader`].
pub fn from_reader<R: io::Read, T: DeserializeOwned>(reader: R) -> Result<T> {
    Config::new().from_reader(reader)
}
