//! Type-byte framing: the first byte of a frame decides how long it is.

use std::fmt;
use std::sync::Arc;

use bytes::BytesMut;

use super::util::{self, HeaderThenBody, State};
use super::{DEFAULT_LIMIT, FrameDecoder, FrameEncoder, Span};
use crate::error::{Error, ErrorKind, Result};

/// How long a frame of one type is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// The frame is this many bytes, the type byte included.
    Fixed(usize),
    /// A big-endian length of this many bytes (1 to 8) follows the type
    /// byte and counts the bytes after it.
    Prefixed(usize),
    /// A big-endian length of this many bytes (1 to 8) follows the type
    /// byte and counts itself and the bytes after it, not the type byte
    /// (PostgreSQL's messages: `'Q'`, then an `int32` length that counts
    /// its own 4 bytes).
    PrefixedInclusive(usize),
}

type Lookup = Arc<dyn Fn(u8) -> Option<Rule> + Send + Sync>;

#[derive(Clone)]
enum Rules {
    Table(Box<[Option<Rule>; 256]>),
    Fn(Lookup),
}

/// Frames whose first byte, the type, decides their length: by a table
/// (`ByType::new().fixed(..).prefixed(..)`) or by a function
/// ([`ByType::with`]).
///
/// ```text
/// Rule::Fixed(n):     | type: u8 | rest: n - 1 bytes |
/// Rule::Prefixed(w):  | type: u8 | len: w bytes BE | body: len bytes |
/// Rule::PrefixedInclusive(w):
///                     | type: u8 | len: w bytes BE | body: len - w bytes |
/// ```
///
/// The type byte is part of the message, so the decoded frame is the whole
/// frame as it was on the wire, type byte and length field included. For
/// the same reason the encoder writes the payload unchanged: the payload
/// must already be a complete frame (a known type, and the size or length
/// field its rule asks for). A frame longer than
/// [`with_limit`](Self::with_limit) (16 MiB by default) is
/// refused before anything is reserved for it.
///
/// # Examples
///
/// A table: type 1 is a 3-byte frame, type 2 has a `u16` length.
///
/// ```text
/// INPUT:  01 AA BB 02 00 02 'h' 'i' 01 CC
/// FRAMES: 01 AA BB, 02 00 02 'h' 'i'        (and 01 CC waits for a byte)
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{ByType, FrameDecoder, FrameEncoder};
///
/// let mut codec = ByType::new().fixed(1, 3).prefixed(2, 2);
/// let mut wire = BytesMut::new();
/// codec.encode(&[1, 0xaa, 0xbb], &mut wire)?;
/// codec.encode(&[2, 0, 2, b'h', b'i'], &mut wire)?;
/// assert_eq!(wire, [1, 0xaa, 0xbb, 2, 0, 2, b'h', b'i'][..]);
///
/// wire.extend_from_slice(&[1, 0xcc]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &[1, 0xaa, 0xbb][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &[2, 0, 2, b'h', b'i'][..]);
/// assert_eq!(codec.decode(&mut wire)?, None);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// A function: types below 0x80 are single bytes, the others carry a
/// `u8` length; there are no unknown types.
///
/// ```text
/// INPUT:  05 81 01 'x' 7F
/// FRAMES: 05, 81 01 'x', 7F
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{ByType, FrameDecoder, Rule};
///
/// let mut codec = ByType::with(|tag| {
///     Some(if tag < 0x80 { Rule::Fixed(1) } else { Rule::Prefixed(1) })
/// });
/// let mut wire = BytesMut::from(&[5, 0x81, 1, b'x', 0x7f][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &[5][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &[0x81, 1, b'x'][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &[0x7f][..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// An unknown type is an error at the type byte:
///
/// ```
/// use bytes::BytesMut;
/// use netwire::ErrorKind;
/// use netwire::frame::{ByType, FrameDecoder};
///
/// let mut codec = ByType::new().fixed(1, 1);
/// let err = codec.decode(&mut BytesMut::from(&[9, 0][..])).unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::UnknownFrameType(9));
/// assert_eq!(err.offset(), Some(0));
/// ```
#[derive(Clone)]
pub struct ByType {
    rules: Rules,
    limit: usize,
    state: State,
}

impl ByType {
    /// An empty table: every type is unknown until added.
    pub fn new() -> Self {
        Self::from_rules(Rules::Table(Box::new([None; 256])))
    }

    /// Types decided by `rule`, which returns `None` for an unknown type.
    pub fn with<F>(rule: F) -> Self
    where
        F: Fn(u8) -> Option<Rule> + Send + Sync + 'static,
    {
        Self::from_rules(Rules::Fn(Arc::new(rule)))
    }

    fn from_rules(rules: Rules) -> Self {
        ByType {
            rules,
            limit: DEFAULT_LIMIT,
            state: State::Head,
        }
    }

    /// Frames of type `tag` are `len` bytes long, the type byte included.
    ///
    /// # Panics
    /// If `len` is 0, or if this `ByType` was made by [`ByType::with`].
    #[must_use]
    pub fn fixed(self, tag: u8, len: usize) -> Self {
        assert!(len > 0, "a frame holds at least its type byte");
        self.set(tag, Rule::Fixed(len))
    }

    /// Frames of type `tag` carry a big-endian length of `width` bytes
    /// after the type byte, counting the bytes after the length.
    ///
    /// # Panics
    /// If `width` is not 1 to 8, or if this `ByType` was made by
    /// [`ByType::with`].
    #[must_use]
    pub fn prefixed(self, tag: u8, width: usize) -> Self {
        assert!(
            (1..=8).contains(&width),
            "a length field is 1 to 8 bytes wide"
        );
        self.set(tag, Rule::Prefixed(width))
    }

    fn set(mut self, tag: u8, rule: Rule) -> Self {
        match &mut self.rules {
            Rules::Table(table) => table[usize::from(tag)] = Some(rule),
            Rules::Fn(_) => panic!("ByType::with decides every type by its function"),
        }
        self
    }

    util::limit_methods!("frame (type byte and length field included)");

    /// Frames of type `tag` carry a big-endian length of `width` bytes
    /// after the type byte that counts itself and the bytes after it
    /// (not the type byte), as in PostgreSQL's protocol.
    ///
    /// The length is only checked, so the message keeps it as a field of
    /// its own; [`LengthField`](super::LengthField)
    /// (`.length_field_offset(1).length_adjustment(-4)`) also writes it,
    /// and the message carries the type byte and body alone.
    ///
    /// ```text
    /// INPUT:  'Q' 00 00 00 06 's' 0  'X' 00 00 00 04
    /// FRAMES: 'Q' 00 00 00 06 's' 0, 'X' 00 00 00 04
    /// ```
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use netwire::frame::{ByType, FrameDecoder};
    ///
    /// let mut codec = ByType::new().prefixed_inclusive(b'Q', 4).prefixed_inclusive(b'X', 4);
    /// let mut wire = BytesMut::from(&b"Q\0\0\0\x06s\0X\0\0\0\x04"[..]);
    /// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"Q\0\0\0\x06s\0"[..]);
    /// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"X\0\0\0\x04"[..]);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// # Panics
    /// If `width` is not 1 to 8, or if this `ByType` was made by
    /// [`ByType::with`].
    #[must_use]
    pub fn prefixed_inclusive(self, tag: u8, width: usize) -> Self {
        assert!(
            (1..=8).contains(&width),
            "a length field is 1 to 8 bytes wide"
        );
        self.set(tag, Rule::PrefixedInclusive(width))
    }

    fn rule(&self, tag: u8) -> Option<Rule> {
        match &self.rules {
            Rules::Table(table) => table[usize::from(tag)],
            Rules::Fn(f) => f(tag),
        }
    }

    /// The total size of the frame at the start of `frame`, once enough of
    /// it has arrived to tell (the type byte, and the length field if any).
    fn frame_len(&self, frame: &[u8]) -> Result<Option<usize>> {
        let Some(&tag) = frame.first() else {
            return Ok(None);
        };
        let total = match self.rule(tag) {
            None => {
                return Err(Error::new(ErrorKind::UnknownFrameType(u64::from(tag)), 0));
            }
            Some(Rule::Fixed(0)) => {
                return Err(Error::new(
                    ErrorKind::InvalidHeader("a fixed frame length must count the type byte"),
                    0,
                ));
            }
            Some(Rule::Fixed(len)) => len as u64,
            Some(rule @ (Rule::Prefixed(width) | Rule::PrefixedInclusive(width))) => {
                if !(1..=8).contains(&width) {
                    return Err(Error::new(
                        ErrorKind::InvalidHeader("a length field is 1 to 8 bytes wide"),
                        0,
                    ));
                }
                let Some(field) = frame.get(1..1 + width) else {
                    return Ok(None);
                };
                let len = util::read_be(field);
                if let Rule::PrefixedInclusive(_) = rule {
                    if len < width as u64 {
                        return Err(Error::new(
                            ErrorKind::InvalidHeader(
                                "a length that counts itself is below its width",
                            ),
                            0,
                        ));
                    }
                    len.saturating_add(1)
                } else {
                    len.saturating_add(1 + width as u64)
                }
            }
        };
        util::check_limit(total, self.limit, 0).map(Some)
    }
}

impl Default for ByType {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ByType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ByType");
        match &self.rules {
            Rules::Table(table) => {
                let known: Vec<(u8, Rule)> = (0..=u8::MAX)
                    .filter_map(|tag| table[usize::from(tag)].map(|r| (tag, r)))
                    .collect();
                d.field("table", &known)
            }
            Rules::Fn(_) => d.field("table", &"<function>"),
        };
        d.field("limit", &self.limit)
            .field("state", &self.state)
            .finish()
    }
}

impl HeaderThenBody for ByType {
    /// The type byte and length field are part of the payload.
    #[inline]
    fn skip(&self) -> usize {
        0
    }

    #[inline]
    fn parse_header(&self, src: &[u8]) -> Result<Option<usize>> {
        self.frame_len(src)
    }

    #[inline]
    fn state(&mut self) -> &mut State {
        &mut self.state
    }
}

impl FrameDecoder for ByType {
    fn lower_limit(&mut self, max: usize) {
        self.limit = self.limit.min(max);
    }

    /// # Errors
    /// [`ErrorKind::UnknownFrameType`] for a type without a rule,
    /// [`ErrorKind::LengthOverLimit`] for a frame longer than the maximum,
    /// [`ErrorKind::InvalidHeader`] for a rule that cannot be followed; all
    /// at offset 0, the type byte.
    #[inline]
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body(src)
    }

    /// # Errors
    /// As [`decode_span`](Self::decode_span), and [`ErrorKind::Truncated`]
    /// when the input ends inside a frame, with its size once it is known.
    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body_eof(src)
    }

    fn needed(&self) -> Option<usize> {
        self.state.needed()
    }
}

impl FrameEncoder for ByType {
    fn head_len(&self) -> Option<usize> {
        Some(0)
    }

    /// Checks that the payload is one whole frame; writes nothing.
    ///
    /// # Errors
    /// As [`decode`](FrameDecoder::decode) for the payload's type and
    /// length, and [`ErrorKind::InvalidHeader`] when the payload is not
    /// exactly as long as its type byte (and length field) say.
    fn encode_head(&mut self, payload: &[u8], _dst: &mut BytesMut) -> Result<()> {
        match self.frame_len(payload) {
            Ok(Some(len)) if len == payload.len() => Ok(()),
            Ok(_) => Err(Error::without_offset(ErrorKind::InvalidHeader(
                "payload length differs from what its type byte announces",
            ))),
            Err(e) => Err(e),
        }
    }
}
