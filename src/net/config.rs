//! [`Config`]: the widths and limits of the `net` format, and its entry points.

use std::fmt;
use std::io;

use serde::Serialize;
use serde::de::{Deserialize, DeserializeOwned};

use super::de::Deserializer;
use super::read::{IoReader, SliceReader};
use super::ser::Serializer;
pub use super::tags::EnumTags;
use crate::encoding::Encoding;
use crate::error::{Error, ErrorKind, Result};
use crate::format::{self, Format};
use crate::output::{Naming, Output};

/// How many bytes carry a length prefix (of a string, a byte string, a
/// sequence or a map). Always big-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LengthWidth {
    /// One byte: lengths up to 255.
    U8,
    /// Two bytes: lengths up to 65 535.
    U16,
    /// Four bytes: lengths up to 4 294 967 295 (the default).
    U32,
    /// Eight bytes (the bincode legacy layout).
    U64,
}

impl LengthWidth {
    /// The number of bytes a length prefix occupies.
    ///
    /// ```
    /// use netwire::net::LengthWidth;
    /// assert_eq!(LengthWidth::U16.size(), 2);
    /// ```
    pub const fn size(self) -> usize {
        match self {
            LengthWidth::U8 => 1,
            LengthWidth::U16 => 2,
            LengthWidth::U32 => 4,
            LengthWidth::U64 => 8,
        }
    }

    /// The largest length a prefix of this width can carry.
    ///
    /// ```
    /// use netwire::net::LengthWidth;
    /// assert_eq!(LengthWidth::U8.max(), 255);
    /// ```
    pub const fn max(self) -> u64 {
        match self {
            LengthWidth::U8 => u8::MAX as u64,
            LengthWidth::U16 => u16::MAX as u64,
            LengthWidth::U32 => u32::MAX as u64,
            LengthWidth::U64 => u64::MAX,
        }
    }
}

/// How many bytes carry an enum's variant index. Always big-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagWidth {
    /// One byte: up to 256 variants (the default).
    U8,
    /// Two bytes: up to 65 536 variants.
    U16,
    /// Four bytes (the bincode legacy layout).
    U32,
}

impl TagWidth {
    /// The number of bytes a tag occupies.
    ///
    /// ```
    /// use netwire::net::TagWidth;
    /// assert_eq!(TagWidth::U32.size(), 4);
    /// ```
    pub const fn size(self) -> usize {
        match self {
            TagWidth::U8 => 1,
            TagWidth::U16 => 2,
            TagWidth::U32 => 4,
        }
    }

    /// The largest variant index a tag of this width can carry.
    ///
    /// ```
    /// use netwire::net::TagWidth;
    /// assert_eq!(TagWidth::U8.max(), 255);
    /// ```
    pub const fn max(self) -> u64 {
        match self {
            TagWidth::U8 => u8::MAX as u64,
            TagWidth::U16 => u16::MAX as u64,
            TagWidth::U32 => u32::MAX as u64,
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::NoTags {}
    impl Sealed for super::TagTable {}
}

/// What a [`Config`] knows of enum tags: nothing ([`NoTags`], the default:
/// every enum's tag is its variant index), or a table of enums with tags
/// of their own ([`TagTable`], from [`Config::with_enum_tags`]). A type
/// parameter, so that configs without a table carry no lookup at all.
///
/// This trait is sealed.
pub trait EnumTagging:
    sealed::Sealed + Copy + fmt::Debug + PartialEq + Eq + std::hash::Hash
{
    /// Whether there is a table to look enums up in.
    #[doc(hidden)]
    const TABLE: bool;

    /// The table.
    #[doc(hidden)]
    fn table(&self) -> &'static [EnumTags];
}

/// No enum has tags of its own (see [`EnumTagging`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NoTags;

impl EnumTagging for NoTags {
    const TABLE: bool = false;

    fn table(&self) -> &'static [EnumTags] {
        &[]
    }
}

/// The enums of a [`Config::with_enum_tags`] table (see [`EnumTagging`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TagTable(&'static [EnumTags]);

impl EnumTagging for TagTable {
    const TABLE: bool = true;

    fn table(&self) -> &'static [EnumTags] {
        self.0
    }
}

/// The length and tag widths of a serializer or deserializer: read from
/// the `Config` at run time ([`RuntimeWidths`]), or fixed in the type for
/// the default config ([`DefaultWidths`]), so that the default
/// (de)serializer's length prefixes and tags compile to straight loads and
/// stores, with no match on the width per value.
pub trait Widths: Copy {
    /// The width of length prefixes.
    fn length(self) -> LengthWidth;
    /// The width of enum tags.
    fn tag(self) -> TagWidth;
}

/// Widths as configured.
#[derive(Clone, Copy)]
pub struct RuntimeWidths {
    pub(crate) length: LengthWidth,
    pub(crate) tag: TagWidth,
}

impl Widths for RuntimeWidths {
    #[inline(always)]
    fn length(self) -> LengthWidth {
        self.length
    }
    #[inline(always)]
    fn tag(self) -> TagWidth {
        self.tag
    }
}

/// The default widths: 4-byte lengths, 1-byte tags.
#[derive(Clone, Copy)]
pub struct DefaultWidths;

impl Widths for DefaultWidths {
    #[inline(always)]
    fn length(self) -> LengthWidth {
        LengthWidth::U32
    }
    #[inline(always)]
    fn tag(self) -> TagWidth {
        TagWidth::U8
    }
}

/// The settings of the `net` format: prefix widths, byte limit and recursion
/// limit, with the format's entry points as methods.
///
/// `Config` is `Copy` and its builder methods are `const fn`s taking and
/// returning it by value, so a protocol's settings can be a `const`:
///
/// ```
/// use netwire::net::{Config, LengthWidth, TagWidth};
///
/// const WIRE: Config = Config::new()
///     .with_length_width(LengthWidth::U16)
///     .with_tag_width(TagWidth::U8)
///     .with_limit(64 * 1024);
///
/// let bytes = WIRE.to_vec(&("ab", 5u8))?;
/// assert_eq!(bytes, [0, 2, b'a', b'b', 5]);
/// let back: (String, u8) = WIRE.from_slice(&bytes)?;
/// assert_eq!(back, ("ab".to_string(), 5));
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Config<G = NoTags> {
    length_width: LengthWidth,
    tag_width: TagWidth,
    limit: usize,
    depth: usize,
    tags: G,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

/// The capacity `to_vec` starts with: enough for most small messages in one
/// allocation, small enough not to matter when it is not needed.
const INITIAL_CAPACITY: usize = 128;

impl Config {
    /// The default byte limit of one message: 16 MiB.
    pub const DEFAULT_LIMIT: usize = 1 << 24;
    /// The default recursion limit.
    pub const DEFAULT_DEPTH: usize = 128;

    /// The default settings: `u32` length prefixes, `u8` enum tags, a limit
    /// of [`Config::DEFAULT_LIMIT`] bytes and [`Config::DEFAULT_DEPTH`]
    /// levels of nesting.
    pub const fn new() -> Self {
        Config {
            length_width: LengthWidth::U32,
            tag_width: TagWidth::U8,
            limit: Self::DEFAULT_LIMIT,
            depth: Self::DEFAULT_DEPTH,
            tags: NoTags,
        }
    }

    /// The layout of bincode's `config::legacy().with_big_endian()`
    /// (bincode 1's default layout in network byte order): `u64` length
    /// prefixes and `u32` enum tags. For every serde type the bytes are
    /// identical to bincode 2.0.1's. The limits keep their defaults.
    ///
    /// ```
    /// use netwire::net::Config;
    ///
    /// let bytes = Config::bincode_legacy().to_vec(&Some("hi"))?;
    /// assert_eq!(bytes, [1, 0, 0, 0, 0, 0, 0, 0, 2, b'h', b'i']);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    pub const fn bincode_legacy() -> Self {
        Config::new()
            .with_length_width(LengthWidth::U64)
            .with_tag_width(TagWidth::U32)
    }

    /// Gives the enums of `tags` their own wire tags (a table per enum;
    /// other enums keep their variant index in the config's tag width). A
    /// tag read that is not in the table is [`ErrorKind::TagOutOfRange`]
    /// with the tag read, and its text names the enum and its tags; a
    /// table with a tag for each of fewer or more variants than its enum
    /// has is [`ErrorKind::TagTableMismatch`] when the enum is encoded or
    /// decoded. The config's type says it has a table
    /// (`Config<TagTable>`), so the configs without one look nothing up.
    ///
    /// TFTP's opcodes (RFC 1350): a `u16` from 1, while the default tag is
    /// a `u8` from 0.
    ///
    /// ```
    /// use netwire::net::{Config, EnumTags, TagTable, TagWidth};
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// enum Packet {
    ///     Rrq(#[serde(with = "netwire::with::cstr")] String),
    ///     Wrq(#[serde(with = "netwire::with::cstr")] String),
    ///     Data(u16),
    ///     Ack(u16),
    /// }
    ///
    /// const TFTP: Config<TagTable> =
    ///     Config::new().with_enum_tags(&[EnumTags::of::<Packet>(TagWidth::U16, &[1, 2, 3, 4])]);
    ///
    /// assert_eq!(TFTP.to_vec(&Packet::Ack(7))?, [0, 4, 0, 7]);
    /// assert_eq!(TFTP.from_slice::<Packet>(&[0, 1, b'a', 0])?, Packet::Rrq("a".into()));
    /// let err = TFTP.from_slice::<Packet>(&[0, 9, 0, 0]).unwrap_err();
    /// assert_eq!(err.kind(), &netwire::ErrorKind::TagOutOfRange { tag: 9, variants: 4 });
    /// assert_eq!(
    ///     err.to_string(),
    ///     "tag 0x09 is not a tag of `Packet` (0x01, 0x02, 0x03, 0x04) at byte offset 0"
    /// );
    /// # Ok::<(), netwire::Error>(())
    /// ```
    pub const fn with_enum_tags(self, tags: &'static [EnumTags]) -> Config<TagTable> {
        Config {
            length_width: self.length_width,
            tag_width: self.tag_width,
            limit: self.limit,
            depth: self.depth,
            tags: TagTable(tags),
        }
    }
}

impl<G: EnumTagging> Config<G> {
    /// Sets the width of length prefixes.
    pub const fn with_length_width(mut self, width: LengthWidth) -> Self {
        self.length_width = width;
        self
    }

    /// Sets the width of enum tags.
    pub const fn with_tag_width(mut self, width: TagWidth) -> Self {
        self.tag_width = width;
        self
    }

    /// Sets the most bytes one message may occupy. Decoding stops with
    /// [`ErrorKind::LengthOverLimit`] as soon as a message would need more,
    /// and any sequence or map count above the limit is rejected the same
    /// way. Encoding a larger message is an error too.
    ///
    /// The limit is also what bounds the work of decoding a sequence of
    /// zero-sized values (which occupy no bytes): a limit of `usize::MAX`
    /// lets a hostile count make the decoder loop practically forever.
    pub const fn with_limit(mut self, bytes: usize) -> Self {
        self.limit = bytes;
        self
    }

    /// Sets how many compound values (sequences, maps, tuples, structs,
    /// newtypes, `Some`, enum variant contents) may nest inside each other.
    pub const fn with_depth(mut self, depth: usize) -> Self {
        self.depth = depth;
        self
    }

    /// The enums with tags of their own.
    pub fn enum_tags(&self) -> &'static [EnumTags] {
        self.tags.table()
    }

    /// The tag table, as the (de)serializers take it.
    pub(crate) const fn tagging(&self) -> G {
        self.tags
    }

    /// The width of length prefixes.
    pub const fn length_width(&self) -> LengthWidth {
        self.length_width
    }

    /// The width of enum tags.
    pub const fn tag_width(&self) -> TagWidth {
        self.tag_width
    }

    /// Whether the widths are the default ones, which get a serializer and
    /// a deserializer of their own ([`DefaultWidths`]).
    #[inline]
    pub(crate) fn has_default_widths(&self) -> bool {
        matches!(
            (self.length_width, self.tag_width),
            (LengthWidth::U32, TagWidth::U8)
        )
    }

    /// The widths as a value (see [`Widths`]).
    pub(crate) fn widths(&self) -> RuntimeWidths {
        RuntimeWidths {
            length: self.length_width,
            tag: self.tag_width,
        }
    }

    /// The most bytes one message may occupy.
    pub const fn limit(&self) -> usize {
        self.limit
    }

    /// The recursion limit.
    pub const fn depth(&self) -> usize {
        self.depth
    }

    /// Encodes `value` into a new `Vec`.
    ///
    /// # Errors
    /// [`ErrorKind::TagOverflow`] or [`ErrorKind::LengthOverflow`] when a
    /// variant index or a length does not fit its configured width,
    /// [`ErrorKind::LengthOverLimit`] when the message is larger than the
    /// limit, and any error of the value's `Serialize` implementation.
    pub fn to_vec<T: ?Sized + Serialize>(&self, value: &T) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(INITIAL_CAPACITY);
        format::append(self, value, &mut out)?;
        Ok(out)
    }

    /// Encodes `value` and writes it to `writer` with a single `write_all`.
    /// Nothing is written when encoding fails.
    ///
    /// # Errors
    /// As [`Config::to_vec`], plus [`ErrorKind::Io`] when writing fails.
    pub fn to_writer<W: io::Write, T: ?Sized + Serialize>(
        &self,
        mut writer: W,
        value: &T,
    ) -> Result<()> {
        let bytes = self.to_vec(value)?;
        writer.write_all(&bytes).map_err(|e| Error::io(e, None))
    }

    /// The number of bytes [`Config::to_vec`] would produce, computed
    /// without writing them. Fails exactly where encoding would, except that
    /// the byte limit is not applied.
    ///
    /// # Errors
    /// [`ErrorKind::TagOverflow`], [`ErrorKind::LengthOverflow`] and errors
    /// of the value's `Serialize` implementation.
    pub fn encoded_len<T: ?Sized + Serialize>(&self, value: &T) -> Result<usize> {
        format::encoded_len(self, value)
    }

    /// Decodes one value that fills `input` exactly. Strings and byte
    /// strings can borrow from `input`.
    ///
    /// # Errors
    /// Any decoding error (see the [module docs](super#errors)) with the
    /// byte offset where it happened; [`ErrorKind::TrailingBytes`] when the
    /// value ends before the input does.
    #[inline]
    pub fn from_slice<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T> {
        let (value, ()) = self.decode(SliceReader::whole(input, self.limit), |read| {
            let used = read.position();
            if used < input.len() {
                return Err(Error::new(ErrorKind::TrailingBytes, used as u64));
            }
            Ok(())
        })?;
        Ok(value)
    }

    /// Decodes one value from the front of `input` and returns it with the
    /// bytes that follow it.
    ///
    /// # Errors
    /// Any decoding error (see the [module docs](super#errors)).
    #[inline]
    pub fn take_from_slice<'de, T: Deserialize<'de>>(
        &self,
        input: &'de [u8],
    ) -> Result<(T, &'de [u8])> {
        let (value, used) = self.decode(SliceReader::new(input, self.limit), |read| {
            Ok(read.position())
        })?;
        Ok((value, input.get(used..).unwrap_or_default()))
    }

    /// Decodes exactly one value from `reader`, reading only the bytes that
    /// value occupies, so a reader positioned on a stream of messages is
    /// left on the next one. Offsets in errors count from where the reader
    /// was.
    ///
    /// The reader is read in small pieces (one `read_exact` per number);
    /// wrap an unbuffered socket or file in a [`std::io::BufReader`]. A
    /// length prefix never makes the decoder reserve more than the limit
    /// allows (see [Limits](super#limits)). After an error the reader has
    /// consumed an unspecified part of the failed message.
    ///
    /// # Errors
    /// Any decoding error (see the [module docs](super#errors)), with
    /// [`ErrorKind::UnexpectedEnd`] when the reader ends mid-value and
    /// [`ErrorKind::Io`] when it fails.
    pub fn from_reader<R: io::Read, T: DeserializeOwned>(&self, reader: R) -> Result<T> {
        self.decode(IoReader::new(reader, self.limit), |_| Ok(()))
            .map(|(value, ())| value)
    }

    /// Decodes one value from `read`, then asks `finish` what the reader
    /// says after it (how much it took, or whether bytes are left). The
    /// default widths get a deserializer of their own, with the widths in
    /// its type: no match on the width per length or tag. The value is
    /// returned beside what `finish` says rather than with the reader, so
    /// a large message moves once.
    #[inline]
    fn decode<'de, R, T, X>(&self, read: R, finish: impl FnOnce(&R) -> Result<X>) -> Result<(T, X)>
    where
        R: super::read::Read<'de>,
        T: Deserialize<'de>,
    {
        if self.has_default_widths() {
            let mut de = Deserializer::with_widths(read, self, DefaultWidths);
            let value =
                T::deserialize(&mut de).map_err(|e| at_message_start(de.reader().resolve(e)))?;
            Ok((value, finish(de.reader())?))
        } else {
            let mut de = Deserializer::new(read, self);
            let value =
                T::deserialize(&mut de).map_err(|e| at_message_start(de.reader().resolve(e)))?;
            Ok((value, finish(de.reader())?))
        }
    }
}

impl<G: EnumTagging> Config<G> {
    /// An error about bytes after a field that runs to the end of the
    /// message is found at the end, with no field names: a second pass
    /// over `value`, into an output that only counts, names them. Any
    /// other error is returned as it is.
    #[cold]
    #[inline(never)]
    fn name_fields<T: ?Sized + Serialize>(&self, value: &T, err: Error, framed: bool) -> Error {
        if !matches!(
            err.kind(),
            ErrorKind::EndNotLast { .. } | ErrorKind::EmptySome { .. }
        ) {
            return err;
        }
        let mut out = Naming::default();
        let ser = Serializer::new(&mut out, self);
        let mut ser = if framed { ser } else { ser.unframed() };
        match value.serialize(&mut ser).and_then(|()| ser.finish()) {
            Err(named)
                if std::mem::discriminant(named.kind()) == std::mem::discriminant(err.kind()) =>
            {
                named
            }
            _ => err,
        }
    }
}

/// An error raised by the message's own `Deserialize` impl outside any value
/// the decoder was visiting belongs to the message as a whole.
#[cold]
fn at_message_start(e: Error) -> Error {
    e.or_offset(0)
}

impl<G: EnumTagging> Format for Config<G> {
    /// The default widths get a serializer of their own, with the widths
    /// in its type: no match on the width per length or tag.
    #[inline]
    fn write<O: Output, T: ?Sized + Serialize>(&self, value: &T, out: &mut O) -> Result<()> {
        let written = if self.has_default_widths() {
            let mut ser = Serializer::with_widths(out, self, DefaultWidths);
            value.serialize(&mut ser).and_then(|()| ser.finish())
        } else {
            let mut ser = Serializer::new(out, self);
            value.serialize(&mut ser).and_then(|()| ser.finish())
        };
        written.map_err(|e| self.name_fields(value, e, true))
    }

    /// No field may run to the end of the message: the reader of a
    /// message without a frame does not know where that is.
    fn write_unframed<O: Output, T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut O,
    ) -> Result<()> {
        let mut ser = Serializer::new(out, self).unframed();
        value
            .serialize(&mut ser)
            .and_then(|()| ser.finish())
            .map_err(|e| self.name_fields(value, e, false))
    }

    fn byte_limit(&self) -> usize {
        self.limit
    }
}

impl<G: EnumTagging> Encoding for Config<G> {
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
    fn encode_unframed_into_bytes<T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut bytes::BytesMut,
    ) -> Result<()> {
        format::append(&format::Unframed(self), value, out)
    }

    #[inline]
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T> {
        self.from_slice(input)
    }

    /// Reads across the cut; strings and byte strings borrow from the input
    /// unless one straddles it, and then it is copied.
    fn decode_split<'de, T: Deserialize<'de>>(
        &self,
        front: &'de [u8],
        back: &'de [u8],
    ) -> Result<T> {
        let total = front.len().saturating_add(back.len());
        let read = super::read::SplitReader::new(front, back, self.limit);
        let (value, ()) = self.decode(read, |read| {
            let used = read.position();
            if used < total {
                return Err(Error::new(ErrorKind::TrailingBytes, used as u64));
            }
            Ok(())
        })?;
        Ok(value)
    }

    #[inline]
    fn decode_prefix<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<(T, usize)> {
        let (value, rest) = self.take_from_slice(input)?;
        Ok((value, input.len().saturating_sub(rest.len())))
    }

    fn limit(&self) -> usize {
        self.limit
    }
}

/// Output into memory the caller owns: a slice, any [`bytes::BufMut`], the
/// end of a `Vec`.
impl<G: EnumTagging> Config<G> {
    /// Encodes `value` into the front of `buf` and returns the part written.
    /// Nothing is allocated. A message with a sequence or map of unknown
    /// length (`serialize_seq(None)`, never from a derive) is written twice:
    /// the one-pass output stops at it, and the whole message is written
    /// again with its count patched in place.
    ///
    /// ```
    /// use netwire::{ErrorKind, net::Config};
    ///
    /// let mut buf = [0u8; 16];
    /// let used = Config::new().to_slice(&(7u16, "hi"), &mut buf)?;
    /// assert_eq!(used, &[0, 7, 0, 0, 0, 2, b'h', b'i']);
    ///
    /// // One byte short: the error says how many are needed.
    /// let err = Config::new().to_slice(&(7u16, "hi"), &mut buf[..7]).unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::BufferFull { needed: 8, available: 7 });
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Config::to_vec`]; and when `buf` is too small,
    /// [`ErrorKind::BufferFull`] `{ needed, available }` with the bytes
    /// needed and the length of `buf` (the needed size is computed
    /// only then, by a second pass like [`Config::encoded_len`]). A message
    /// larger than [`Config::limit`] reports that limit instead, whatever
    /// the slice. On error the front of `buf` may have been written to.
    #[inline]
    pub fn to_slice<'b, T: ?Sized + Serialize>(
        &self,
        value: &T,
        buf: &'b mut [u8],
    ) -> Result<&'b mut [u8]> {
        format::to_slice(self, value, buf)
    }

    /// Encodes `value` and puts it into `buf`, any [`bytes::BufMut`]
    /// (a `BytesMut`, a `Vec<u8>`, a `&mut [u8]`, a chain of them). Named
    /// after the trait it writes to, as `to_writer` is after `io::Write`.
    /// Returns the number of bytes put.
    ///
    /// ```
    /// use bytes::BufMut;
    ///
    /// let mut buf = bytes::BytesMut::new();
    /// buf.put_u8(0xff); // whatever came before stays
    /// let n = netwire::net::Config::new().to_buf_mut(&Some(0x0102u16), &mut buf)?;
    /// assert_eq!((n, &buf[..]), (3, &[0xff, 1, 1, 2][..]));
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// The bytes go straight into `buf`, without a `Vec` in between, unless
    /// the value holds a sequence or map of unknown length (a `BufMut`
    /// cannot patch its count afterwards: from there on the bytes are
    /// staged).
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

    /// Appends the encoding of `value` to `out`, leaving it as it was on
    /// error; returns the number of bytes appended. The same as
    /// [`Encoding::encode_into`], without importing the trait.
    ///
    /// `out` grows as the bytes come: reserving once after counting them
    /// with [`Config::encoded_len`] is a second pass over the value, and
    /// was not faster on the benchmark datasets (`docs/benchmarks.md`).
    ///
    /// ```
    /// let mut out = vec![0xff];
    /// let n = netwire::net::Config::new().append_to_vec(&[1u16, 2], &mut out)?;
    /// assert_eq!((n, out), (4, vec![0xff, 0, 1, 0, 2]));
    /// # Ok::<(), netwire::Error>(())
    /// ```
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
