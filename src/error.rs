//! The crate's one error type.
//!
//! Every fallible function in netwire returns [`Error`]: a boxed value (so a
//! `Result<T, Error>` stays one pointer wide on the hot path) that tells
//! *what* went wrong ([`ErrorKind`]) and *where* ([`Error::offset`], the byte
//! offset in the input or stream at which decoding failed).
//!
//! ```
//! use netwire::ErrorKind;
//!
//! // A bool must be 0x00 or 0x01.
//! let err = netwire::net::from_slice::<(u8, bool)>(&[7, 2]).unwrap_err();
//! assert_eq!(err.kind(), &ErrorKind::InvalidBool(2));
//! assert_eq!(err.offset(), Some(1));
//! assert_eq!(err.to_string(), "invalid bool byte 0x02, expected 0x00 or 0x01 at byte offset 1");
//! ```

use std::fmt::{self, Display};
use std::io;

/// A `Result` whose error is netwire's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, without the where (see [`Error::offset`]).
///
/// The kind is `Clone + PartialEq` so tests and callers can match on it
/// exactly; the underlying [`io::Error`] of an [`ErrorKind::Io`] is kept by the
/// [`Error`] and reachable through [`Error::io_error`] and
/// [`std::error::Error::source`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    // ---- decoding: malformed or incomplete input -------------------------
    /// The input ended before the value did. On a stream this means "more
    /// bytes are needed"; see [`Error::is_eof`] and [`Error::needed`].
    UnexpectedEnd,
    /// A bool byte other than `0x00`/`0x01` (or an ASCII token other than
    /// `0`/`1`). Holds the offending byte.
    InvalidBool(u8),
    /// An `Option` marker that is neither "none" nor "some". Holds the byte.
    InvalidOption(u8),
    /// A string is not valid UTF-8.
    InvalidUtf8,
    /// A char is not a single valid Unicode scalar value.
    InvalidChar,
    /// An enum tag names no variant of the type being decoded.
    TagOutOfRange {
        /// The tag read from the input.
        tag: u64,
        /// How many variants the type has.
        variants: usize,
    },
    /// A length prefix or element count is larger than the configured limit
    /// (or than the bytes the limit still allows). Detected before any
    /// allocation.
    LengthOverLimit {
        /// The declared length.
        len: u64,
        /// The limit it exceeded.
        limit: u64,
    },
    /// A complete value was decoded but input bytes remain after it
    /// (`from_slice` decodes exactly one message; `take_from_slice` returns
    /// the rest instead).
    TrailingBytes,
    /// The input nests deeper than the configured recursion limit.
    DepthLimit(usize),
    /// A number in a text encoding is malformed (empty, a sign where none is
    /// allowed, a leading zero, a non-digit).
    InvalidNumber,
    /// A number in a text encoding does not fit the target type.
    NumberOutOfRange,
    /// A signed length field (see [`crate::with::len_i32`]) holds a
    /// negative length.
    NegativeLength(i64),
    /// A text encoding expected a particular byte or token here.
    Expected(&'static str),
    /// The format is not self-describing: the type asked to deserialize
    /// "anything" (`deserialize_any`, `deserialize_ignored_any`, ...), which
    /// needs type information the wire does not carry. Holds what was asked.
    NotSelfDescribing(&'static str),

    // ---- encoding --------------------------------------------------------
    /// An enum variant index does not fit the configured tag width.
    TagOverflow {
        /// The variant index.
        index: u32,
        /// The largest tag the configured width can carry.
        max: u64,
    },
    /// A length or count does not fit the configured length-prefix width.
    LengthOverflow {
        /// The length that was to be written.
        len: u64,
        /// The largest length the configured width can carry.
        max: u64,
    },
    /// A C string ([`crate::with::cstr`], [`crate::with::Padded`]) to be
    /// written holds a 0 byte, which would end it early; the offset is
    /// the byte's position in the string.
    InvalidCString,
    /// The output given to `to_slice` or `to_buf_mut` is too small for the
    /// message; nothing says how much of it was written.
    BufferFull {
        /// The bytes the message needs.
        needed: u64,
        /// The bytes the output had room for.
        available: u64,
    },
    /// A struct field was left out (`#[serde(skip_serializing_if = ...)]`).
    /// Fields are positional on the wire, so a decoder would read the next
    /// field's bytes in its place; holds the field's name.
    SkippedField(&'static str),
    /// A field that runs to the end of the message
    /// ([`crate::with::rest`], [`crate::with::empty_as_none`]) is followed
    /// by more bytes: the decoder would read them as part of that field.
    /// Such a field must be the last thing on the wire.
    EndNotLast {
        /// The field that runs to the end, when it has a name.
        field: Option<&'static str>,
        /// The field written after it, when it has a name.
        next: Option<&'static str>,
    },
    /// [`crate::with::empty_as_none`] around a `Some` whose value writes no
    /// bytes, at the end of the message: it would read back as `None`.
    EmptySome {
        /// The field, when it has a name.
        field: Option<&'static str>,
    },

    // ---- framing and streams ---------------------------------------------
    /// The stream ended in the middle of a frame. (A self-delimited
    /// message cut short is [`ErrorKind::TruncatedMessage`].)
    Truncated {
        /// Bytes of the frame that arrived, its header included.
        received: u64,
        /// The frame's whole size on the wire, header included, once its
        /// header had been read.
        expected: Option<u64>,
    },
    /// A frame header is malformed (for example a decimal length header
    /// holding a non-digit, or a length smaller than the header it counts).
    InvalidHeader(&'static str),
    /// A type byte (or tag) that the framing's table does not know.
    UnknownFrameType(u64),
    /// A frame was complete, but its payload ended before the message did:
    /// the frame is consumed, so more bytes cannot help (unlike
    /// [`ErrorKind::UnexpectedEnd`]).
    ShortFrame {
        /// The payload's length.
        len: u64,
        /// The payload length decoding would have needed at least, when the
        /// decoder knew it.
        needed: Option<u64>,
    },
    /// The stream ended inside a self-delimited message (one with no frame
    /// around it).
    TruncatedMessage {
        /// Bytes of the message that arrived.
        received: u64,
        /// The message's length at least, when the decoder could tell.
        needed: Option<u64>,
    },
    /// A message that occupies no bytes (`()`, a unit struct, an empty
    /// struct in `net`) cannot be sent or read without a frame: nothing on
    /// the wire would tell that it is there. Frame such messages.
    EmptyMessage,
    /// The combination asked for cannot work as configured; the text says
    /// why and what to use instead.
    Unsupported(&'static str),
    /// A tag table ([`crate::net::EnumTags`]) has a tag for each of fewer
    /// or more variants than its enum has.
    TagTableMismatch {
        /// The enum's name.
        enum_name: &'static str,
        /// The tags in the table.
        tags: usize,
        /// The enum's variants.
        variants: usize,
    },

    // ---- everything else -------------------------------------------------
    /// A message from a `Serialize`/`Deserialize` implementation (serde's
    /// `custom` errors: unknown field, invalid value, ...).
    Custom(String),
    /// An I/O error from the underlying reader or writer; the error itself is
    /// available from [`Error::io_error`].
    Io(io::ErrorKind),
}

impl Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::UnexpectedEnd => f.write_str("unexpected end of input"),
            ErrorKind::InvalidBool(b) => {
                write!(f, "invalid bool byte {b:#04x}, expected 0x00 or 0x01")
            }
            ErrorKind::InvalidOption(b) => write!(f, "invalid option marker byte {b:#04x}"),
            ErrorKind::InvalidUtf8 => f.write_str("string is not valid UTF-8"),
            ErrorKind::InvalidChar => {
                f.write_str("invalid char, expected one Unicode scalar value")
            }
            ErrorKind::TagOutOfRange { tag, variants } => write!(
                f,
                "enum tag {tag} out of range, the type has {variants} variant(s)"
            ),
            ErrorKind::LengthOverLimit { len, limit } => {
                write!(f, "declared length {len} exceeds the limit of {limit}")
            }
            ErrorKind::TrailingBytes => f.write_str("trailing bytes after the message"),
            ErrorKind::DepthLimit(limit) => {
                write!(f, "input nests deeper than the recursion limit of {limit}")
            }
            ErrorKind::InvalidNumber => f.write_str("malformed number"),
            ErrorKind::NegativeLength(n) => write!(f, "negative length {n}"),
            ErrorKind::InvalidCString => {
                f.write_str("a C string holds a 0 byte, which would end it early")
            }
            ErrorKind::NumberOutOfRange => f.write_str("number out of range for its type"),
            ErrorKind::Expected(what) => write!(f, "expected {what}"),
            ErrorKind::NotSelfDescribing(what) => write!(
                f,
                "the format is not self-describing and cannot {what}; use concrete types"
            ),
            ErrorKind::TagOverflow { index, max } => write!(
                f,
                "enum variant index {index} does not fit the tag width (max {max})"
            ),
            ErrorKind::LengthOverflow { len, max } => write!(
                f,
                "length {len} does not fit the length-prefix width (max {max})"
            ),
            ErrorKind::BufferFull { needed, available } => write!(
                f,
                "the message needs {needed} bytes, the output has room for {available}"
            ),
            ErrorKind::SkippedField(name) => write!(
                f,
                "field `{name}` was skipped (skip_serializing_if), but fields are \
                 positional on the wire: the decoder would misread the next field"
            ),
            ErrorKind::EndNotLast { field, next } => {
                f.write_str("field ")?;
                named(f, *field, "that runs to the end of the message")?;
                f.write_str(" (netwire::with::rest or empty_as_none) is followed by ")?;
                match next {
                    Some(next) => write!(f, "field `{next}`")?,
                    None => f.write_str("more bytes")?,
                }
                f.write_str(
                    ", which the decoder would read as part of it: such a field must come last",
                )
            }
            ErrorKind::EmptySome { field } => {
                f.write_str("field ")?;
                named(f, *field, "under netwire::with::empty_as_none")?;
                f.write_str(
                    " holds a Some that writes no bytes at the end of the message, \
                     which would read back as None",
                )
            }
            ErrorKind::Truncated {
                received,
                expected: Some(expected),
            } => write!(
                f,
                "stream ended inside a frame: {received} of its {expected} bytes \
                 (header included) arrived"
            ),
            ErrorKind::Truncated {
                received,
                expected: None,
            } => write!(
                f,
                "stream ended inside a frame after {received} byte(s), before its size was known"
            ),
            ErrorKind::InvalidHeader(what) => write!(f, "invalid frame header: {what}"),
            ErrorKind::UnknownFrameType(t) => write!(f, "unknown frame type {t}"),
            ErrorKind::ShortFrame {
                len,
                needed: Some(needed),
            } => write!(
                f,
                "the frame's {len}-byte payload ends inside the message, \
                 which needs at least {needed} bytes"
            ),
            ErrorKind::ShortFrame { len, needed: None } => {
                write!(f, "the frame's {len}-byte payload ends inside the message")
            }
            ErrorKind::TruncatedMessage {
                received,
                needed: Some(needed),
            } => write!(
                f,
                "stream ended inside a message: {received} of at least {needed} bytes arrived"
            ),
            ErrorKind::TruncatedMessage {
                received,
                needed: None,
            } => write!(f, "stream ended inside a message after {received} byte(s)"),
            ErrorKind::EmptyMessage => f.write_str(
                "a message of zero bytes cannot go without a frame: nothing on the wire \
                 would show it (frame it, or give it a field)",
            ),
            ErrorKind::Unsupported(what) => f.write_str(what),
            ErrorKind::TagTableMismatch {
                enum_name,
                tags,
                variants,
            } => write!(
                f,
                "the tag table of `{enum_name}` has {tags} tag(s), but the enum has \
                 {variants} variant(s)"
            ),
            ErrorKind::Custom(msg) => f.write_str(msg),
            ErrorKind::Io(kind) => write!(f, "I/O error: {kind}"),
        }
    }
}

/// Writes `` `name` ``, or `what` for a field without a name.
fn named(f: &mut fmt::Formatter<'_>, name: Option<&str>, what: &str) -> fmt::Result {
    match name {
        Some(name) => write!(f, "`{name}`"),
        None => f.write_str(what),
    }
}

/// netwire's error: an [`ErrorKind`], the byte offset where it happened, and
/// for I/O errors the underlying [`io::Error`].
pub struct Error(Box<ErrorImpl>);

struct ErrorImpl {
    kind: ErrorKind,
    offset: Option<u64>,
    needed: Option<u64>,
    io: Option<io::Error>,
    /// Words that say more than the kind: the enum and the tags of a tag
    /// table, for a tag not in it.
    detail: Option<Box<str>>,
    /// For a read that did not fit in a slice: the bytes that were left.
    /// The reader turns it into the offset ([`Error::left_in_slice`]), so
    /// the read's inlined error path needs no more than that count.
    left: Option<u64>,
}

impl Error {
    /// An error of `kind` at byte `offset`.
    #[cold]
    pub fn new(kind: ErrorKind, offset: u64) -> Self {
        Error(Box::new(ErrorImpl {
            kind,
            offset: Some(offset),
            needed: None,
            io: None,
            detail: None,
            left: None,
        }))
    }

    /// An error of `kind` with no position (mostly encoding errors).
    #[cold]
    pub fn without_offset(kind: ErrorKind) -> Self {
        Error(Box::new(ErrorImpl {
            kind,
            offset: None,
            needed: None,
            io: None,
            detail: None,
            left: None,
        }))
    }

    /// An [`ErrorKind::UnexpectedEnd`] at `offset`, where decoding could only
    /// have gone on with at least `needed` bytes of input in total.
    #[cold]
    pub fn eof(offset: u64, needed: u64) -> Self {
        Error(Box::new(ErrorImpl {
            kind: ErrorKind::UnexpectedEnd,
            offset: Some(offset),
            needed: Some(needed),
            io: None,
            detail: None,
            left: None,
        }))
    }

    /// A read of `n` bytes from a slice that had `left` bytes: an
    /// [`ErrorKind::UnexpectedEnd`] or [`ErrorKind::LengthOverLimit`] at
    /// the reader's position, which the reader resolves when the error
    /// leaves it (see [`Error::left_in_slice`]); until then no enclosing
    /// value gives it its offset.
    #[cold]
    #[inline(never)]
    pub(crate) fn short_in_slice(left: usize, n: usize) -> Self {
        Error(Box::new(ErrorImpl {
            kind: ErrorKind::UnexpectedEnd,
            offset: None,
            needed: Some(n as u64),
            io: None,
            detail: None,
            left: Some(left as u64),
        }))
    }

    /// For an error of [`Error::short_in_slice`]: the bytes that were left
    /// and the bytes the read wanted.
    #[inline]
    pub(crate) fn left_in_slice(&self) -> Option<(u64, u64)> {
        Some((self.0.left?, self.0.needed?))
    }

    /// Wraps an I/O error; `offset` is the stream position when it happened,
    /// if known.
    #[cold]
    pub fn io(err: io::Error, offset: Option<u64>) -> Self {
        Error(Box::new(ErrorImpl {
            kind: ErrorKind::Io(err.kind()),
            offset,
            needed: None,
            io: Some(err),
            detail: None,
            left: None,
        }))
    }

    /// A serde `custom` message.
    #[cold]
    pub fn custom<T: Display>(msg: T) -> Self {
        Error::without_offset(ErrorKind::Custom(msg.to_string()))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The byte offset in the input (or stream) where decoding failed, when
    /// known. For [`ErrorKind::UnexpectedEnd`] it is where the incomplete
    /// item starts.
    pub fn offset(&self) -> Option<u64> {
        self.0.offset
    }

    /// For [`ErrorKind::UnexpectedEnd`]: the input length decoding needs at
    /// least to get past the point where it stopped. A streaming caller can
    /// wait for that many bytes before trying again.
    pub fn needed(&self) -> Option<u64> {
        self.0.needed
    }

    /// True when the input ended too early: retrying with more bytes may
    /// succeed.
    pub fn is_eof(&self) -> bool {
        matches!(self.0.kind, ErrorKind::UnexpectedEnd)
    }

    /// True when nothing is wrong but the socket is not ready: an
    /// [`ErrorKind::Io`] of kind `WouldBlock` (a non-blocking socket),
    /// `TimedOut` (a read or write timeout; some platforms report it as
    /// `WouldBlock`) or `Interrupted`. The readers and writers keep all
    /// their state after these: call again once the socket is ready.
    ///
    /// ```
    /// use std::io;
    /// use netwire::Error;
    ///
    /// let later = Error::io(io::Error::from(io::ErrorKind::WouldBlock), Some(0));
    /// assert!(later.is_transient());
    /// let gone = Error::io(io::Error::from(io::ErrorKind::ConnectionReset), Some(0));
    /// assert!(!gone.is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        use io::ErrorKind as Io;
        matches!(
            self.0.kind,
            ErrorKind::Io(Io::WouldBlock | Io::TimedOut | Io::Interrupted)
        )
    }

    /// True for errors coming from the underlying reader or writer.
    pub fn is_io(&self) -> bool {
        matches!(self.0.kind, ErrorKind::Io(_))
    }

    /// The underlying I/O error, for [`ErrorKind::Io`].
    pub fn io_error(&self) -> Option<&io::Error> {
        self.0.io.as_ref()
    }

    /// Returns this error with its offset set to `offset` if it had none, or
    /// shifted by `base` otherwise. Used when a decoder runs on a part of a
    /// larger stream.
    #[cold]
    pub fn at_base(mut self, base: u64) -> Self {
        if let Some(off) = self.0.offset.as_mut() {
            *off = off.saturating_add(base);
        }
        if let Some(n) = self.0.needed.as_mut() {
            *n = n.saturating_add(base);
        }
        self
    }

    /// Gives the error words of its own in place of its kind's.
    #[cold]
    pub(crate) fn with_detail(mut self, detail: String) -> Self {
        self.0.detail = Some(detail.into_boxed_str());
        self
    }

    /// Sets the offset when the error has none yet (serde's `custom` errors
    /// are made without one; the decoder knows where it was). An
    /// [`ErrorKind::Unsupported`] or [`ErrorKind::TagTableMismatch`] keeps
    /// none: a configuration that cannot work is not at any byte of the
    /// input.
    #[cold]
    pub fn or_offset(mut self, offset: u64) -> Self {
        let configuration = matches!(
            self.0.kind,
            ErrorKind::Unsupported(_) | ErrorKind::TagTableMismatch { .. }
        );
        if self.0.offset.is_none() && !configuration && self.0.left.is_none() {
            self.0.offset = Some(offset);
        }
        self
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind);
        if let Some(off) = self.0.offset {
            d.field("offset", &off);
        }
        if let Some(n) = self.0.needed {
            d.field("needed", &n);
        }
        if let Some(io) = &self.0.io {
            d.field("io", io);
        }
        d.finish()
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.0.kind, &self.0.io, &self.0.detail) {
            (ErrorKind::Io(_), Some(io), _) => write!(f, "I/O error: {io}")?,
            (_, _, Some(detail)) => f.write_str(detail)?,
            (kind, _, None) => Display::fmt(kind, f)?,
        }
        if let Some(off) = self.0.offset {
            write!(f, " at byte offset {off}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .io
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<io::Error> for Error {
    #[cold]
    fn from(err: io::Error) -> Self {
        Error::io(err, None)
    }
}

/// Converts to an [`io::Error`] so netwire calls compose with `?` in IO code.
/// An [`ErrorKind::Io`] gives back the original error; a truncated input
/// becomes [`io::ErrorKind::UnexpectedEof`], a value that cannot be encoded
/// [`io::ErrorKind::InvalidInput`], and malformed input
/// [`io::ErrorKind::InvalidData`].
impl From<Error> for io::Error {
    fn from(err: Error) -> Self {
        let kind = match &err.0.kind {
            ErrorKind::Io(_) => {
                if let Some(io) = err.0.io {
                    return io;
                }
                io::ErrorKind::Other
            }
            ErrorKind::UnexpectedEnd
            | ErrorKind::Truncated { .. }
            | ErrorKind::TruncatedMessage { .. } => io::ErrorKind::UnexpectedEof,
            ErrorKind::TagOverflow { .. }
            | ErrorKind::LengthOverflow { .. }
            | ErrorKind::SkippedField(_)
            | ErrorKind::EndNotLast { .. }
            | ErrorKind::EmptySome { .. }
            | ErrorKind::BufferFull { .. }
            | ErrorKind::InvalidCString
            | ErrorKind::EmptyMessage
            | ErrorKind::Unsupported(_)
            | ErrorKind::TagTableMismatch { .. } => io::ErrorKind::InvalidInput,
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, err)
    }
}

impl serde::ser::Error for Error {
    #[cold]
    fn custom<T: Display>(msg: T) -> Self {
        Error::custom(msg)
    }
}

impl serde::de::Error for Error {
    #[cold]
    fn custom<T: Display>(msg: T) -> Self {
        Error::custom(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn io_round_trip_keeps_the_original() {
        let e = Error::io(io::Error::new(io::ErrorKind::WouldBlock, "later"), Some(3));
        assert!(e.is_io());
        assert_eq!(e.kind(), &ErrorKind::Io(io::ErrorKind::WouldBlock));
        let back: io::Error = e.into();
        assert_eq!(back.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(back.to_string(), "later");
    }

    #[test]
    fn eof_maps_to_unexpected_eof() {
        let e = Error::eof(4, 8);
        assert!(e.is_eof());
        assert_eq!(e.needed(), Some(8));
        let io: io::Error = e.into();
        assert_eq!(io.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn at_base_shifts_offsets() {
        let e = Error::eof(4, 8).at_base(100);
        assert_eq!(e.offset(), Some(104));
        assert_eq!(e.needed(), Some(108));
        let c = Error::custom("x").or_offset(9).or_offset(1);
        assert_eq!(c.offset(), Some(9));
        assert_eq!(c.to_string(), "x at byte offset 9");
    }
}
