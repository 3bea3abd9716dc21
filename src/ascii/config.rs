//! [`Config`]: the `ascii` format's limits and its entry points.

use std::io;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::de::Deserializer;
use super::read::{IoRead, SliceRead};
use super::ser;
use crate::encoding::{Encoding, Scan};
use crate::error::{Error, ErrorKind, Result};
use crate::format::{self, Format};
use crate::limits::Limits;
use crate::output::Output;

/// Limits of the `ascii` format, and the format's entry points as methods.
///
/// A `Config` is a small `Copy` value built with `const fn`s, so it can be a
/// `const` of the protocol. The free functions of [`crate::ascii`] use
/// [`Config::new`].
///
/// ```
/// use netwire::ascii::Config;
///
/// const WIRE: Config = Config::new().with_limit(64).with_depth(8);
///
/// let line = WIRE.to_vec(&(7u8, "hi"))?;
/// assert_eq!(line, b"7 2:hi\n");
/// let (n, s): (u8, String) = WIRE.from_slice(&line)?;
/// assert_eq!((n, s.as_str()), (7, "hi"));
///
/// // A string longer than the limit is refused before it is read.
/// let err = WIRE.from_slice::<String>(b"1000:...").unwrap_err();
/// assert!(matches!(err.kind(), netwire::ErrorKind::LengthOverLimit { len: 1000, .. }));
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Config {
    limit: usize,
    depth: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// The default byte limit of one message: 16 MiB.
    pub const DEFAULT_LIMIT: usize = 1 << 24;
    /// The default recursion limit: 128 nested values.
    pub const DEFAULT_DEPTH: usize = 128;

    /// The default configuration: [`Config::DEFAULT_LIMIT`] bytes per
    /// message, [`Config::DEFAULT_DEPTH`] levels of nesting.
    pub const fn new() -> Self {
        Config {
            limit: Self::DEFAULT_LIMIT,
            depth: Self::DEFAULT_DEPTH,
        }
    }

    /// Sets the most bytes one message may occupy, line end included.
    ///
    /// The decoder never reads, and never allocates for, more than this; it
    /// also bounds every string length (by the bytes the message has left)
    /// and the total number of sequence and map elements of a message.
    /// Encoding a longer message is an error too, so a peer with the same
    /// configuration can always read what was written.
    pub const fn with_limit(self, bytes: usize) -> Self {
        Config {
            limit: bytes,
            ..self
        }
    }

    /// Sets how deeply values may nest: every sequence, map, tuple, struct,
    /// newtype struct, `Some`, and the content of a newtype, tuple or struct
    /// variant is one level. Deeper input is a [`ErrorKind::DepthLimit`]
    /// error, never a stack overflow.
    pub const fn with_depth(self, depth: usize) -> Self {
        Config { depth, ..self }
    }

    /// The byte limit of one message.
    pub const fn limit(&self) -> usize {
        self.limit
    }

    /// The recursion limit.
    pub const fn depth(&self) -> usize {
        self.depth
    }

    /// Encodes `value` as one message. See [`crate::ascii::to_vec`].
    ///
    /// # Errors
    /// A message longer than [`Config::limit`], or an error raised by the
    /// value's `Serialize` implementation.
    pub fn to_vec<T: ?Sized + Serialize>(&self, value: &T) -> Result<Vec<u8>> {
        // Most messages are short: one small allocation covers them.
        let mut out = Vec::with_capacity(64);
        self.encode_into(value, &mut out)?;
        Ok(out)
    }

    /// Encodes `value` as one message in a `String`. See
    /// [`crate::ascii::to_string`].
    ///
    /// # Errors
    /// As [`Config::to_vec`], and [`ErrorKind::InvalidUtf8`] (at the offset
    /// of the first bad byte) when the value carries bytes (`serde_bytes`)
    /// that are not UTF-8.
    pub fn to_string<T: ?Sized + Serialize>(&self, value: &T) -> Result<String> {
        String::from_utf8(self.to_vec(value)?).map_err(|e| {
            let at = e.utf8_error().valid_up_to() as u64;
            Error::new(ErrorKind::InvalidUtf8, at)
        })
    }

    /// Encodes `value` and writes the message with one `write_all`. See
    /// [`crate::ascii::to_writer`].
    ///
    /// # Errors
    /// As [`Config::to_vec`], and [`ErrorKind::Io`] from the writer.
    pub fn to_writer<W: io::Write, T: ?Sized + Serialize>(
        &self,
        mut writer: W,
        value: &T,
    ) -> Result<()> {
        let line = self.to_vec(value)?;
        writer.write_all(&line).map_err(|e| Error::io(e, None))
    }

    /// The length of `value`'s message, computed without writing it. See
    /// [`crate::ascii::encoded_len`]. The byte limit is not applied: this
    /// is the length [`Config::to_vec`] produces when it succeeds.
    ///
    /// # Errors
    /// An error raised by the value's `Serialize` implementation.
    pub fn encoded_len<T: ?Sized + Serialize>(&self, value: &T) -> Result<usize> {
        format::encoded_len(self, value)
    }

    /// Decodes one message that fills `input` exactly. See
    /// [`crate::ascii::from_slice`].
    ///
    /// # Errors
    /// Any malformed or incomplete input, with the kind and byte offset
    /// described in the [format documentation](crate::ascii#errors);
    /// [`ErrorKind::TrailingBytes`] if bytes follow the message.
    #[inline]
    pub fn from_slice<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T> {
        let (value, rest) = self.take_from_slice(input)?;
        if rest.is_empty() {
            Ok(value)
        } else {
            let at = input.len().saturating_sub(rest.len()) as u64;
            Err(Error::new(ErrorKind::TrailingBytes, at))
        }
    }

    /// Decodes one message that fills `input` exactly. See
    /// [`crate::ascii::from_str`].
    ///
    /// # Errors
    /// As [`Config::from_slice`].
    pub fn from_str<'de, T: Deserialize<'de>>(&self, input: &'de str) -> Result<T> {
        self.from_slice(input.as_bytes())
    }

    /// Decodes the message at the front of `input` and returns it with the
    /// bytes after its line end. See [`crate::ascii::take_from_slice`].
    ///
    /// # Errors
    /// As [`Config::from_slice`], except that trailing bytes are returned.
    #[inline]
    pub fn take_from_slice<'de, T: Deserialize<'de>>(
        &self,
        input: &'de [u8],
    ) -> Result<(T, &'de [u8])> {
        let mut de = Deserializer::new(SliceRead::new(input, self.limit), self.limit, self.depth);
        let value = de.message()?;
        let rest = input.get(de.read.index()..).unwrap_or_default();
        Ok((value, rest))
    }

    /// Reads exactly one message from `reader`. See
    /// [`crate::ascii::from_reader`].
    ///
    /// # Errors
    /// As [`Config::from_slice`] (offsets count from the first byte this
    /// call read), and [`ErrorKind::Io`] from the reader. A reader that ends
    /// inside the message gives [`ErrorKind::UnexpectedEnd`].
    pub fn from_reader<R: io::Read, T: DeserializeOwned>(&self, reader: R) -> Result<T> {
        let mut de = Deserializer::new(IoRead::new(reader, self.limit), self.limit, self.depth);
        de.message()
    }

    /// The decoder's depth and element limits, for the serializer.
    fn limits(&self) -> Limits {
        Limits::new(self.depth, self.limit)
    }
}

impl Format for Config {
    #[inline]
    fn write<O: Output, T: ?Sized + Serialize>(&self, value: &T, out: &mut O) -> Result<()> {
        ser::write_message(out, value, self.limits())
    }

    fn byte_limit(&self) -> usize {
        self.limit
    }
}

impl Encoding for Config {
    #[inline]
    fn encode_into<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        format::append(self, value, out)
    }

    #[inline]
    fn encode_into_bytes<T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut bytes::BytesMut,
    ) -> Result<()> {
        format::append(self, value, out)
    }

    #[inline]
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T> {
        self.from_slice(input)
    }

    #[inline]
    fn decode_prefix<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<(T, usize)> {
        let (value, rest) = self.take_from_slice(input)?;
        Ok((value, input.len().saturating_sub(rest.len())))
    }

    fn limit(&self) -> usize {
        self.limit
    }

    /// The end of a message is its first line end outside string bodies.
    fn scan(&self, input: &[u8], from: usize) -> Scan {
        super::scan::scan(input, from, self.limit)
    }
}

/// Output into memory the caller owns: a slice, any [`bytes::BufMut`], the
/// end of a `Vec`.
impl Config {
    /// Encodes `value` as one message into the front of `buf` and returns
    /// the part written. See [`crate::ascii::to_slice`].
    ///
    /// ```
    /// use netwire::{ErrorKind, ascii::Config};
    ///
    /// let mut buf = [0u8; 16];
    /// let used = Config::new().to_slice(&(7u16, "hi"), &mut buf)?;
    /// assert_eq!(used, b"7 2:hi\n");
    ///
    /// // One byte short: the error says how many are needed.
    /// let err = Config::new().to_slice(&(7u16, "hi"), &mut buf[..6]).unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::BufferFull { needed: 7, available: 6 });
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Config::to_vec`]; and when `buf` is too small,
    /// [`ErrorKind::BufferFull`] `{ needed, available }` with the bytes
    /// needed and the length of `buf` (the needed size is computed
    /// only then, by a second pass like [`Config::encoded_len`]). A message
    /// longer than [`Config::limit`] reports that limit instead, whatever
    /// the slice. On error the front of `buf` may have been written to.
    #[inline]
    pub fn to_slice<'b, T: ?Sized + Serialize>(
        &self,
        value: &T,
        buf: &'b mut [u8],
    ) -> Result<&'b mut [u8]> {
        format::to_slice(self, value, buf)
    }

    /// Encodes `value` as one message and puts it into `buf`, any
    /// [`bytes::BufMut`]; returns the number of bytes put. Named after the
    /// trait it writes to, as `to_writer` is after `io::Write`. See
    /// [`crate::ascii::to_buf_mut`].
    ///
    /// ```
    /// let mut buf = bytes::BytesMut::new();
    /// let n = netwire::ascii::Config::new().to_buf_mut(&Some(-3i8), &mut buf)?;
    /// assert_eq!((n, &buf[..]), (4, &b"+-3\n"[..]));
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// The bytes go straight into `buf`, without a `Vec` in between, unless
    /// the value holds a sequence or map of unknown length (its count is
    /// written in front of it once known, which a `BufMut` cannot do: from
    /// there on the bytes are staged).
    ///
    /// # Errors
    /// As [`Config::to_slice`], with `buf.remaining_mut()` as the room:
    /// [`ErrorKind::BufferFull`] `{ needed, available }` when more than
    /// `remaining_mut` bytes are needed (never the panic of
    /// [`BufMut::put_slice`](bytes::BufMut::put_slice)). On error `buf` may
    /// already hold the first part of the message: a `BufMut` cannot take
    /// bytes back (truncate a `Vec` or `BytesMut` to its old length).
    pub fn to_buf_mut<B: bytes::BufMut + ?Sized, T: ?Sized + Serialize>(
        &self,
        value: &T,
        buf: &mut B,
    ) -> Result<usize> {
        format::to_buf_mut(self, value, buf)
    }

    /// Appends `value`'s message to `out`, leaving it as it was on error;
    /// returns the number of bytes appended. The same as
    /// [`Encoding::encode_into`], without importing the trait. See
    /// [`crate::ascii::append_to_vec`].
    ///
    /// `out` grows as the bytes come: reserving once after counting them
    /// with [`Config::encoded_len`] is a second pass over the value, and
    /// was not faster on the benchmark datasets (`docs/benchmarks.md`).
    ///
    /// # Errors
    /// As [`Config::to_vec`].
    #[inline]
    pub fn append_to_vec<T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<usize> {
        format::append_to_vec(self, value, out)
    }
}
