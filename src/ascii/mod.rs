//! `ascii`: compact, human-readable text for the same serde types as
//! [`crate::net`].
//!
//! Most integers on a wire are small, and a small integer in decimal is
//! shorter than in a fixed-width binary field: `0` and a separator are two
//! bytes, a `u64` is eight. This format exploits that, stays readable and
//! typeable with `nc` or telnet, and is still binary-safe: strings and bytes
//! are length-prefixed ("netstrings"), so they carry any byte — spaces and
//! newlines included — without escaping.
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
//! let line = netwire::ascii::to_vec(&Msg::Chat { room: 7, text: "hi" })?;
//! assert_eq!(line, b"1 7 2:hi\n");
//! let back: Msg = netwire::ascii::from_slice(&line)?; // `text` borrows from `line`
//! assert_eq!(back, Msg::Chat { room: 7, text: "hi" });
//!
//! // Several messages in one buffer: decode them one after the other.
//! let input = b"0 42\n2\n";
//! let (first, rest) = netwire::ascii::take_from_slice::<Msg>(input)?;
//! assert_eq!((first, rest), (Msg::Ping(42), &b"2\n"[..]));
//! assert_eq!(netwire::ascii::from_slice::<Msg>(rest)?, Msg::Bye);
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! # The format
//!
//! The format is not self-describing: like [`crate::net`], the type being
//! decoded says what comes next, and the wire carries no names or type
//! marks. A message is the *tokens* of one value, separated by exactly one
//! space (0x20), followed by a line end:
//!
//! ```text
//! message   = [ token *( " " token ) ] line-end
//! line-end  = "\n"                      ; the decoder also accepts "\r\n"
//!
//! uint      = "0" / nonzero             ; no sign, no leading zero
//! nonzero   = %x31-39 *DIGIT
//! int       = uint / "-" nonzero        ; no "-0", no "+"
//! float     = "NaN" / "inf" / "-inf"
//!           / [ "-" ] uint [ "." 1*DIGIT ] [ "e" [ "-" ] 1*DIGIT ]
//! netstring = uint ":" <exactly that many raw bytes>
//! ```
//!
//! Each serde type becomes tokens as follows (`T(v)` is the tokens of `v`):
//!
//! | serde type | tokens |
//! |---|---|
//! | `bool` | `1` or `0` |
//! | `u8` … `u128` | one `uint` |
//! | `i8` … `i128` | one `int` |
//! | `f32`, `f64` | one `float`: the shortest text that reads back to the same value (written by `ryu`), or `NaN`, `inf`, `-inf` |
//! | `char` | one `netstring` of its UTF-8 (1 to 4 bytes, exactly one scalar value) |
//! | `str`, `bytes` | one `netstring` (a `str` body must be UTF-8; bytes are raw) |
//! | `None` | `~` |
//! | `Some(v)` | `+` glued to the first token of `T(v)`; just `+` if `T(v)` is empty |
//! | unit, unit struct | no token |
//! | newtype struct | `T(inner)` |
//! | seq, map | the element (entry) count as a `uint`, then each element (key, value, key, value, …) |
//! | tuple, tuple struct, struct, `[T; N]` | the fields in order, no count |
//! | enum | the variant index as a `uint`, then the variant's content like a unit, newtype, tuple or struct |
//!
//! The decoder reads one token at a time, knowing its type, and finds every
//! token's end without looking ahead more than one byte: a number ends at
//! its first non-digit, which must be a space, a line end, or the end of the
//! input so far; a netstring ends after the number of bytes its length
//! gives, and must also be followed by a space or a line end. So a space or
//! newline *inside* a string is never mistaken for a separator, and a
//! message's end is known without scanning for `"\n"`.
//!
//! Values without tokens (units, unit structs, empty tuples, structs of
//! units) write nothing — not even a separator — so a message holding only
//! such values is the line end alone, `"\n"`. The one place where this
//! needs care is `Some(())`: its `+` stands alone as a token, and the next
//! token is separated from it by a space (`(Some(()), 3u8)` is `"+ 3\n"`,
//! while `Some(3u8)` is `"+3"`). Nested options stack their marks:
//! `Some(Some(5))` is `++5`, `Some(None)` is `+~`.
//!
//! Every value has exactly one encoding, except that the decoder accepts
//! floats in any spelling of the `float` rule (`2`, `2.50`, `25e-1`), not
//! only the shortest one, and `"\r\n"` for the line end. Integers accept
//! nothing else (no `+`, no leading zeros, no `-0`).
//!
//! ## Floats
//! Every float is written so that it reads back bit-exactly, `-0.0`
//! included, except that every NaN is written `NaN` and reads back as the
//! canonical quiet NaN (`f64::NAN`/`f32::NAN`): NaN sign and payload bits
//! are not kept. The decoder parses a `float` token with the standard
//! library (correctly rounded, straight to `f32` for an `f32`, so no double
//! rounding). A finite spelling too large for the type (`1e999`, or `1e39`
//! for an `f32`) is
//! [`ErrorKind::NumberOutOfRange`](crate::ErrorKind::NumberOutOfRange):
//! only `inf` means infinity. A tiny value rounds to zero or a subnormal as
//! usual. Unlike an integer, a float may be `-0` (`-0.0` is its own value).
//!
//! ## Examples
//! ```
//! use std::collections::BTreeMap;
//! use netwire::ascii::to_vec;
//!
//! assert_eq!(to_vec(&7u32)?, b"7\n");
//! assert_eq!(to_vec(&-3i8)?, b"-3\n");
//! assert_eq!(to_vec(&u128::MAX)?, b"340282366920938463463374607431768211455\n");
//! assert_eq!(to_vec(&(true, false))?, b"1 0\n");
//! assert_eq!(to_vec(&(1.5f64, -0.0f64, 1e300f64))?, b"1.5 -0.0 1e300\n");
//! assert_eq!(to_vec(&(f64::NAN, f32::INFINITY, f64::NEG_INFINITY))?, b"NaN inf -inf\n");
//! assert_eq!(to_vec(&'é')?, "2:é\n".as_bytes());
//! assert_eq!(to_vec(&"two words\nand a line")?, b"20:two words\nand a line\n");
//! assert_eq!(to_vec(&serde_bytes::Bytes::new(&[0, 255]))?, b"2:\x00\xff\n");
//! assert_eq!(to_vec(&None::<u8>)?, b"~\n");
//! assert_eq!(to_vec(&Some(5u8))?, b"+5\n");
//! assert_eq!(to_vec(&Some(Some(-5i8)))?, b"++-5\n");
//! assert_eq!(to_vec(&Some(None::<u8>))?, b"+~\n");
//! assert_eq!(to_vec(&(Some(()), 3u8))?, b"+ 3\n");
//! assert_eq!(to_vec(&Some("hi"))?, b"+2:hi\n");
//! assert_eq!(to_vec(&())?, b"\n");
//! assert_eq!(to_vec(&((), ((), ())))?, b"\n");
//! assert_eq!(to_vec(&vec![10u16, 0, 3])?, b"3 10 0 3\n");
//! assert_eq!(to_vec(&Vec::<u8>::new())?, b"0\n");
//! assert_eq!(to_vec(&[1u8, 2])?, b"1 2\n");
//! assert_eq!(to_vec(&BTreeMap::from([(1u8, "x"), (2, "")]))?, b"2 1 1:x 2 0:\n");
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! # Size compared to `net`
//! The same values in [`crate::net`] (default [`crate::net::Config`]: `u32`
//! lengths, `u8` tags) and in `ascii`, in bytes:
//!
//! | value | `net` | `ascii` | `ascii` bytes |
//! |---|---:|---:|---|
//! | `0u64` | 8 | 2 | `0\n` |
//! | `u64::MAX` | 8 | 21 | `18446744073709551615\n` |
//! | `true` | 1 | 2 | `1\n` |
//! | `None::<u32>` | 1 | 2 | `~\n` |
//! | `Some(5u8)` | 2 | 3 | `+5\n` |
//! | `Msg::Bye` | 1 | 2 | `2\n` |
//! | `Msg::Ping(0)` | 5 | 4 | `0 0\n` |
//! | `Msg::Ping(3_000_000)` | 5 | 10 | `0 3000000\n` |
//! | `Msg::Chat { room: 7, text: "hi" }` | 9 | 9 | `1 7 2:hi\n` |
//! | `Point { x: -3, y: 4 }` (two `i32`) | 8 | 5 | `-3 4\n` |
//! | `Header { version: 1, kind: 2, len: 300, seq: 123456 }` (`u8 u8 u16 u32`) | 8 | 15 | `1 2 300 123456\n` |
//! | `vec![0u32; 10]` | 44 | 23 | `10 0 0 0 0 0 0 0 0 0 0\n` |
//! | `vec![1_000_000u32; 10]` | 44 | 83 | `10 1000000 … 1000000\n` |
//! | `1.5f64` | 8 | 4 | `1.5\n` |
//! | `std::f64::consts::PI` | 8 | 18 | `3.141592653589793\n` |
//! | `"hello world"` | 15 | 15 | `11:hello world\n` |
//! | a 1000-byte string | 1004 | 1006 | `1000:…\n` |
//!
//! `ascii` wins when numbers are small (zeros, counts, room numbers, short
//! decimals): a digit and a space against a fixed-width field. `net` wins
//! on large numbers, on precise floats, on one-byte fields (`bool`, `Option`
//! marks, enum tags: one byte against a character and a space) and by the
//! `"\n"` every `ascii` message ends with. Strings cost about the same.
//! Each row is checked:
//!
//! ```
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! enum Msg<'a> {
//!     Ping(u32),
//!     Chat { room: u16, text: &'a str },
//!     Bye,
//! }
//! #[derive(Serialize)]
//! struct Point { x: i32, y: i32 }
//! #[derive(Serialize)]
//! struct Header { version: u8, kind: u8, len: u16, seq: u32 }
//!
//! fn sizes<T: Serialize>(value: &T) -> (usize, usize) {
//!     let net = netwire::net::to_vec(value).unwrap().len();
//!     let ascii = netwire::ascii::to_vec(value).unwrap().len();
//!     assert_eq!(netwire::net::encoded_len(value).unwrap(), net);
//!     assert_eq!(netwire::ascii::encoded_len(value).unwrap(), ascii);
//!     (net, ascii)
//! }
//!
//! assert_eq!(sizes(&0u64), (8, 2));
//! assert_eq!(sizes(&u64::MAX), (8, 21));
//! assert_eq!(sizes(&true), (1, 2));
//! assert_eq!(sizes(&None::<u32>), (1, 2));
//! assert_eq!(sizes(&Some(5u8)), (2, 3));
//! assert_eq!(sizes(&Msg::Bye), (1, 2));
//! assert_eq!(sizes(&Msg::Ping(0)), (5, 4));
//! assert_eq!(sizes(&Msg::Ping(3_000_000)), (5, 10));
//! assert_eq!(sizes(&Msg::Chat { room: 7, text: "hi" }), (9, 9));
//! assert_eq!(sizes(&Point { x: -3, y: 4 }), (8, 5));
//! assert_eq!(sizes(&Header { version: 1, kind: 2, len: 300, seq: 123456 }), (8, 15));
//! assert_eq!(sizes(&vec![0u32; 10]), (44, 23));
//! assert_eq!(sizes(&vec![1_000_000u32; 10]), (44, 83));
//! assert_eq!(sizes(&1.5f64), (8, 4));
//! assert_eq!(sizes(&std::f64::consts::PI), (8, 18));
//! assert_eq!(sizes(&"hello world"), (15, 15));
//! assert_eq!(sizes(&"x".repeat(1000)), (1004, 1006));
//!
//! assert_eq!(netwire::ascii::to_vec(&Header { version: 1, kind: 2, len: 300, seq: 123456 })?, b"1 2 300 123456\n");
//! assert_eq!(netwire::ascii::to_vec(&vec![0u32; 10])?, b"10 0 0 0 0 0 0 0 0 0 0\n");
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! # Limits on both sides
//!
//! The encoder applies the decoder's depth limit and element budget, so a
//! `Config` never writes a message it would refuse to read. Struct fields
//! are positional here as in `net`, so a field left out by
//! `#[serde(skip_serializing_if = ...)]` is an encode error,
//! [`SkippedField`](crate::ErrorKind::SkippedField), never a shorter line
//! that decodes as another value.
//!
//! # Errors
//! Decoding never panics and never allocates more than the configured
//! [limit](Config::with_limit) because of what the input says: any input
//! gives a value or an [`Error`](crate::Error) whose [`kind`](crate::Error::kind) and
//! [`offset`](crate::Error::offset) say what and where.
//!
//! - Errors about a token point at the token's first byte:
//!   [`InvalidNumber`](crate::ErrorKind::InvalidNumber) (empty, a sign where none is
//!   allowed, a leading zero, `-0`, a non-digit, a float outside the
//!   grammar), [`NumberOutOfRange`](crate::ErrorKind::NumberOutOfRange),
//!   [`InvalidChar`](crate::ErrorKind::InvalidChar),
//!   [`TagOutOfRange`](crate::ErrorKind::TagOutOfRange),
//!   [`LengthOverLimit`](crate::ErrorKind::LengthOverLimit) for a string length or
//!   element count, [`DepthLimit`](crate::ErrorKind::DepthLimit), and serde's own
//!   messages ([`Custom`](crate::ErrorKind::Custom)).
//! - Errors that name a byte point at that byte:
//!   [`InvalidBool`](crate::ErrorKind::InvalidBool) (a first byte other than
//!   `0`/`1`, or a byte glued after it),
//!   [`InvalidOption`](crate::ErrorKind::InvalidOption) (a first byte other
//!   than `~`/`+`, or a byte glued after `~`),
//!   [`InvalidUtf8`](crate::ErrorKind::InvalidUtf8)
//!   (the first byte of the bad sequence in a string body),
//!   [`Expected`](crate::ErrorKind::Expected) (a missing space, line end or `:`, a
//!   string body followed by something else: its length was wrong), and
//!   [`TrailingBytes`](crate::ErrorKind::TrailingBytes) (`from_slice` only).
//! - An input that stops early is [`UnexpectedEnd`](crate::ErrorKind::UnexpectedEnd)
//!   at the start of the unfinished item, or where the delimiter after a
//!   token is due, with [`Error::needed`](crate::Error::needed) a lower
//!   bound on the total input length that could get further (for a string
//!   body: exactly its end plus the delimiter after it). A token that runs
//!   to the end of the input is not judged, since more bytes could continue
//!   it: every strict prefix of a message gives this error or the very
//!   error the whole message gives, so a stream can wait for more and
//!   reports the same error whatever its reads.
//! - A message that would grow past the limit is
//!   [`LengthOverLimit`](crate::ErrorKind::LengthOverLimit) as soon as that is
//!   certain: a declared string length is checked against the limit
//!   *before* the input's length, so `1000000000000000000:` on a short input
//!   fails at once, without allocating. The element counts of all
//!   sequences and maps of one message may add up to at most the limit, so
//!   zero-size elements (`Vec<()>`) cannot make a short message loop for
//!   long. A count becomes serde's size hint only as far as the bytes
//!   present in a slice back it and while the message's hint budget lasts
//!   (the hints of the collections still open reserve at most the limit in
//!   total, as in [`net`](crate::net#limits-memory-and-depth)).
//!
//! ```
//! use netwire::ErrorKind;
//!
//! let err = netwire::ascii::from_slice::<(u8, u8)>(b"1 007\n").unwrap_err();
//! assert_eq!((err.kind(), err.offset()), (&ErrorKind::InvalidNumber, Some(2)));
//!
//! let err = netwire::ascii::from_slice::<(u8, String)>(b"1 5:hi\n").unwrap_err();
//! assert_eq!((err.kind(), err.offset(), err.needed()), (&ErrorKind::UnexpectedEnd, Some(2), Some(10)));
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! # Reading from a stream
//! [`from_reader`] reads exactly one message and leaves the reader on the
//! first byte after it, so it can be called in a loop on one connection. It
//! reads one byte at a time outside string bodies (a body is read in one
//! go): give it a [`std::io::BufReader`] around a socket, which then keeps
//! the bytes of the following messages. It needs a blocking reader; with a
//! non-blocking one, use the framing layer instead.
//!
//! ```
//! use std::io::BufReader;
//!
//! let mut input = BufReader::new(&b"3 1 2 3\n0\n"[..]);
//! let first: Vec<u8> = netwire::ascii::from_reader(&mut input)?;
//! let second: Vec<u8> = netwire::ascii::from_reader(&mut input)?;
//! assert_eq!((first, second), (vec![1, 2, 3], vec![]));
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! `is_human_readable()` is `false`, as for `net`, so a type takes the same
//! serde shape in both formats (an `IpAddr` is an enum of octets, not a
//! dotted string).

use std::io;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::Result;

mod config;
mod de;
mod lex;
mod read;
mod scan;
mod ser;

pub use config::Config;

/// Encodes `value` as one message (its tokens and `"\n"`).
///
/// ```
/// assert_eq!(netwire::ascii::to_vec(&(1u8, "a b", Some(-2i32)))?, b"1 3:a b +-2\n");
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// A message longer than the default limit ([`Config::DEFAULT_LIMIT`]), or
/// an error raised by the value's `Serialize` implementation.
pub fn to_vec<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>> {
    Config::new().to_vec(value)
}

/// Encodes `value` as one message in a `String`.
///
/// ```
/// assert_eq!(netwire::ascii::to_string(&[3u8, 4])?, "3 4\n");
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// As [`to_vec`], and [`ErrorKind::InvalidUtf8`](crate::ErrorKind::InvalidUtf8) when the value carries
/// bytes that are not UTF-8.
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> Result<String> {
    Config::new().to_string(value)
}

/// Encodes `value` and writes the whole message to `writer` with one
/// `write_all`.
///
/// ```
/// let mut out = Vec::new();
/// netwire::ascii::to_writer(&mut out, &Some(true))?;
/// assert_eq!(out, b"+1\n");
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// As [`to_vec`], and [`ErrorKind::Io`](crate::ErrorKind::Io) from the writer.
pub fn to_writer<W: io::Write, T: ?Sized + Serialize>(writer: W, value: &T) -> Result<()> {
    Config::new().to_writer(writer, value)
}

/// Encodes `value` as one message into the front of `buf`; returns the part
/// written.
///
/// ```
/// let mut buf = [0u8; 64];
/// let used = netwire::ascii::to_slice(&(1u8, "a b"), &mut buf)?;
/// assert_eq!(used, b"1 3:a b\n");
///
/// let err = netwire::ascii::to_slice(&(1u8, "a b"), &mut buf[..4]).unwrap_err();
/// // The slice is too small: the error says how many bytes are needed.
/// assert_eq!(err.kind(), &netwire::ErrorKind::BufferFull { needed: 8, available: 4 });
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::to_slice`].
pub fn to_slice<'b, T: ?Sized + Serialize>(value: &T, buf: &'b mut [u8]) -> Result<&'b mut [u8]> {
    Config::new().to_slice(value, buf)
}

/// Encodes `value` as one message into any [`bytes::BufMut`]; returns the
/// number of bytes put.
///
/// ```
/// let mut buf = bytes::BytesMut::with_capacity(64);
/// netwire::ascii::to_buf_mut(&[3u8, 4], &mut buf)?;
/// assert_eq!(&buf[..], b"3 4\n");
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

/// Appends `value`'s message to `out`; returns the number of bytes
/// appended.
///
/// ```
/// let mut out = b"1\n".to_vec();
/// netwire::ascii::append_to_vec(&2u8, &mut out)?;
/// assert_eq!(out, b"1\n2\n");
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// See [`Config::append_to_vec`].
pub fn append_to_vec<T: ?Sized + Serialize>(value: &T, out: &mut Vec<u8>) -> Result<usize> {
    Config::new().append_to_vec(value, out)
}

/// The length in bytes of `value`'s message, without encoding it.
///
/// ```
/// assert_eq!(netwire::ascii::encoded_len(&(500u16, "hi"))?, b"500 2:hi\n".len());
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// An error raised by the value's `Serialize` implementation (the byte
/// limit is not applied).
pub fn encoded_len<T: ?Sized + Serialize>(value: &T) -> Result<usize> {
    Config::new().encoded_len(value)
}

/// Decodes one message that fills `input` exactly; strings and bytes are
/// borrowed from `input` when the type allows it.
///
/// ```
/// let (n, s): (u32, &str) = netwire::ascii::from_slice(b"12 5:hello\n")?;
/// assert_eq!((n, s), (12, "hello"));
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// Malformed or incomplete input (see [the error rules](self#errors)), and
/// [`ErrorKind::TrailingBytes`](crate::ErrorKind::TrailingBytes) if anything follows the line end.
pub fn from_slice<'de, T: Deserialize<'de>>(input: &'de [u8]) -> Result<T> {
    Config::new().from_slice(input)
}

/// Decodes one message that fills `input` exactly.
///
/// ```
/// let v: Vec<Option<i8>> = netwire::ascii::from_str("3 +1 ~ +-1\n")?;
/// assert_eq!(v, [Some(1), None, Some(-1)]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// As [`from_slice`].
pub fn from_str<'de, T: Deserialize<'de>>(input: &'de str) -> Result<T> {
    Config::new().from_str(input)
}

/// Decodes the message at the front of `input`; returns it and the bytes
/// after its line end.
///
/// ```
/// let (v, rest) = netwire::ascii::take_from_slice::<u8>(b"1\r\n2\n")?;
/// assert_eq!((v, rest), (1, &b"2\n"[..]));
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// As [`from_slice`], except that trailing bytes are returned.
pub fn take_from_slice<'de, T: Deserialize<'de>>(input: &'de [u8]) -> Result<(T, &'de [u8])> {
    Config::new().take_from_slice(input)
}

/// Reads exactly one message from `reader`, leaving it on the byte after the
/// message (see [Reading from a stream](self#reading-from-a-stream)).
///
/// ```
/// let mut input = &b"2:ok\nnext"[..];
/// let s: String = netwire::ascii::from_reader(&mut input)?;
/// assert_eq!((s.as_str(), input), ("ok", &b"next"[..]));
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Errors
/// As [`from_slice`], with offsets counted from the first byte this call
/// read; [`ErrorKind::Io`](crate::ErrorKind::Io) from the reader; [`ErrorKind::UnexpectedEnd`](crate::ErrorKind::UnexpectedEnd)
/// when the reader ends inside the message.
pub fn from_reader<R: io::Read, T: DeserializeOwned>(reader: R) -> Result<T> {
    Config::new().from_reader(reader)
}
