//! Framing: where one message's bytes start and end, without any I/O.
//!
//! This layer knows bytes only: no encoding, no typed message (that is
//! [`crate::message`]), no reader or writer (the adapters).
//!
//! A framing strategy's core works on plain bytes:
//! [`FrameDecoder::decode_span`] looks at a `&[u8]` and says where the next
//! complete frame's payload lies and how many bytes the frame occupies (a
//! [`Span`]), or that it needs more bytes; nothing is copied or split. On a
//! [`BytesMut`] buffer, [`FrameDecoder::decode`] splits that frame off as a
//! [`Bytes`] sharing the buffer's memory. [`FrameEncoder`] writes a frame
//! around a payload.
//!
//! | Strategy | Constructor | Frame on the wire | Decoded frame |
//! |---|---|---|---|
//! | [`FixedLength`] | `FixedLength::new(n)`, `FixedLength::of::<H>()` | `\| payload: n bytes \|` | payload |
//! | [`Delimited`] | `Delimited::new(b"\r\n")`, `::lines()`, `::nul()` | `\| payload \| delimiter \|` | payload |
//! | [`LengthPrefixed`] | `LengthPrefixed::u8()` .. `::u64()` | `\| len: uN BE \| payload \|` | payload |
//! | [`LengthField`] | `LengthField::new().length_field_offset(1)...` | `\| head \| len \| rest \|` | head ++ rest |
//! | [`AsciiLength`] | `AsciiLength::digits(5)` | `\| "00042" \| payload: 42 bytes \|` | payload |
//! | [`UntilClose`] | `UntilClose::new()` | `\| payload \| EOF` | payload |
//! | [`ByType`] | `ByType::new().fixed(t, n).prefixed(t, w)`, `ByType::with(f)` | `\| type: u8 \| (len: w bytes BE) \| rest \|` | whole frame |
//! | [`HeaderDescribed`] | `HeaderDescribed::new(\|h: &H\| len)` | `\| header: H \| body \|` | whole frame |
//!
//! [`LengthField`] is the one strategy that writes the length it reads, so
//! its payload is the frame without the length field; when header bytes
//! come before the field, the payload is the two runs of input around it
//! ([`FrameDecoder::gap`]), decoded as one message without a copy (see
//! [`LengthField`] for the trade-off).
//!
//! Every strategy but [`FixedLength`] has a `with_limit` setter
//! (default [`DEFAULT_LIMIT`], 16 MiB) bounding the frames
//! `decode` returns; a header announcing more is refused before anything is
//! reserved, and a delimiter or end of stream that does not come in time is
//! refused as soon as the limit is passed. The strategies keep the state of
//! the frame in progress, so each stream direction needs its own value
//! (they are `Clone`).
//!
//! ```
//! use bytes::BytesMut;
//! use netwire::frame::{FrameDecoder, FrameEncoder, LengthPrefixed};
//!
//! let mut codec = LengthPrefixed::u16();
//! let mut wire = BytesMut::new();
//! codec.encode(b"hello", &mut wire)?;
//! assert_eq!(wire, [0, 5, b'h', b'e', b'l', b'l', b'o'][..]);
//!
//! // Bytes arrive in pieces; nothing comes out until the frame is whole.
//! let mut src = BytesMut::from(&wire[..3]);
//! assert_eq!(codec.decode(&mut src)?, None);
//! src.extend_from_slice(&wire[3..]);
//! assert_eq!(codec.decode(&mut src)?.unwrap(), &b"hello"[..]);
//! # Ok::<(), netwire::Error>(())
//! ```

use std::ops::Range;

use bytes::{Buf, Bytes, BytesMut};

use crate::error::{Error, ErrorKind, Result};

mod ascii_length;
mod by_type;
mod delimited;
mod fixed;
mod header;
mod length_field;
mod length_prefixed;
mod until_close;
mod util;

pub use ascii_length::AsciiLength;
pub use by_type::{ByType, Rule};
pub use delimited::Delimited;
pub use fixed::FixedLength;
pub use header::HeaderDescribed;
pub use length_field::LengthField;
pub use length_prefixed::LengthPrefixed;
pub use until_close::UntilClose;

/// The default largest frame the strategies accept: 16 MiB (`1 << 24`),
/// the same bound the `net` and `ascii` formats put on one message
/// ([`net::Config::DEFAULT_LIMIT`](crate::net::Config::DEFAULT_LIMIT)).
pub const DEFAULT_LIMIT: usize = 1 << 24;

/// The old name of [`DEFAULT_LIMIT`].
#[deprecated(since = "0.2.0", note = "renamed to `DEFAULT_LIMIT`")]
pub const DEFAULT_MAX_FRAME_LENGTH: usize = DEFAULT_LIMIT;

/// Where the next frame lies in a decoder's input, as found by
/// [`FrameDecoder::decode_span`].
///
/// Both are offsets from the start of the input: the frame's payload is
/// `input[payload]` (less the decoder's [`FrameDecoder::gap`], if any),
/// and the whole frame (header, payload, delimiter or trailer) is
/// `input[..len]`, so the caller consumes `len` bytes to reach the next
/// frame. A valid span has `payload.start <= payload.end <= len`, `len`
/// at most the input's length and at least 1.
///
/// ```
/// use netwire::frame::{FrameDecoder, LengthPrefixed, Span};
///
/// let mut codec = LengthPrefixed::u8();
/// let input = [2, b'h', b'i', 0];
/// let span = codec.decode_span(&input)?.unwrap();
/// assert_eq!(span, Span { payload: 1..3, len: 3 });
/// assert_eq!(&input[span.payload], b"hi");
/// // The next call gets the input that follows the frame.
/// assert_eq!(codec.decode_span(&input[3..])?, Some(Span { payload: 1..1, len: 1 }));
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// The payload's position in the input.
    pub payload: Range<usize>,
    /// How many bytes the whole frame occupies from the start of the input.
    pub len: usize,
}

impl Span {
    /// A frame of `len` bytes whose payload is `payload`.
    pub fn new(payload: Range<usize>, len: usize) -> Self {
        Span { payload, len }
    }

    /// Whether the span is well formed for an input of `available` bytes.
    #[inline]
    pub(crate) fn fits(&self, available: usize) -> bool {
        self.payload.start <= self.payload.end
            && self.payload.end <= self.len
            && self.len <= available
            && self.len > 0
    }
}

/// Finds frames at the front of a byte buffer.
///
/// The core is [`decode_span`](Self::decode_span), which looks at a plain
/// `&[u8]` and says where the next frame lies ([`Span`]) without taking
/// anything: the caller decides what to do with the bytes (decode a message
/// straight from `&input[span.payload]`, or split them off as a [`Bytes`])
/// and then drops `span.len` bytes from its input. [`decode`](Self::decode)
/// and [`decode_eof`](Self::decode_eof) do the latter on a [`BytesMut`].
///
/// # Implementer notes
/// - Implement [`decode_span`](Self::decode_span), and
///   [`decode_span_eof`](Self::decode_span_eof) when the end of input means
///   more than "no more frames"; the other methods are built on them.
/// - `Ok(None)` means "need more bytes". The decoder may keep state between
///   calls (a parsed header, how far it has scanned), relative to the start
///   of the input: after `Ok(None)` the next call sees the same bytes with
///   more after them; after `Ok(Some(span))` it sees the input that follows
///   the frame (`input[span.len..]` and more).
/// - A declared length over the configured maximum is an error
///   ([`ErrorKind::LengthOverLimit`]) raised as soon as it is read.
/// - Offsets in errors are relative to the start of the input; the stream
///   adapters shift them to stream positions.
/// - Every span covers at least one byte (an empty payload still has a
///   header or delimiter), so a caller that decodes until `Ok(None)` always
///   stops. Callers check this: a span that does not fit its input is an
///   [`ErrorKind::InvalidHeader`] error, never a panic.
pub trait FrameDecoder {
    /// Finds the next complete frame at the front of `src`, or returns
    /// `Ok(None)` when `src` does not yet hold a whole frame.
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>>;

    /// Called once the input has ended. The default finds one more frame
    /// and reports leftover bytes as [`ErrorKind::Truncated`].
    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        match self.decode_span(src)? {
            Some(span) => Ok(Some(span)),
            None if src.is_empty() => Ok(None),
            None => Err(Error::new(
                ErrorKind::Truncated {
                    received: src.len() as u64,
                    expected: None,
                },
                0,
            )),
        }
    }

    /// Lowers the largest frame this decoder accepts to `max` bytes of
    /// decoded frame (the payload; the whole frame for [`ByType`] and
    /// [`HeaderDescribed`]) when its own maximum is larger.
    ///
    /// A message stream calls it with its encoding's limit, so the bound
    /// of a stream is the smaller of the framing's and the encoding's, and
    /// a frame too large for its message is refused from its header, before
    /// its body is read:
    ///
    /// ```
    /// use netwire::frame::LengthPrefixed;
    /// use netwire::stream::MessageReader;
    /// use netwire::{ErrorKind, net};
    ///
    /// // A u32 header announcing 8 MiB, nothing after it.
    /// let input: &[u8] = &[0, 0x80, 0, 0];
    /// let config = net::Config::new().with_limit(1024);
    /// let mut rx = MessageReader::with_encoding(input, LengthPrefixed::u32(), config);
    /// let err = rx.read::<Vec<u8>>().unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 8 << 20, limit: 1024 });
    /// ```
    ///
    /// # Implementer notes
    /// The default does nothing, which is right only for a decoder that
    /// has no maximum of its own; one that has should take the smaller.
    fn lower_limit(&mut self, max: usize) {
        let _ = max;
    }

    /// After [`decode_span`](Self::decode_span) returned `Ok(None)`: the
    /// size of the frame in progress, counted from the start of the input,
    /// once a header has told it. Only used to size buffers, so the default
    /// `None` ("not known") is always correct.
    fn needed(&self) -> Option<usize> {
        None
    }

    /// The bytes inside the payload of the span just returned that are not
    /// part of the payload, relative to the payload's start: a length field
    /// between header fields ([`LengthField`] with a
    /// `length_field_offset`). [`decode`](Self::decode) leaves them out,
    /// and the message layer decodes the bytes on either side as one
    /// message.
    ///
    /// ```
    /// use netwire::frame::{FrameDecoder, LengthField, Span};
    ///
    /// let mut codec = LengthField::new().length_field_offset(1).length_adjustment(-4);
    /// let input = b"Z\0\0\0\x05I";
    /// assert_eq!(codec.decode_span(input)?, Some(Span::new(0..6, 6)));
    /// assert_eq!(codec.gap(), Some(1..5));
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// # Implementer notes
    /// The default, `None`, is right for every strategy whose payload is
    /// one run of bytes. The gap must lie inside the payload, and stay the
    /// same until the next call to `decode_span`.
    fn gap(&self) -> Option<Range<usize>> {
        None
    }

    /// Splits the next complete frame's payload off the front of `src`, or
    /// returns `Ok(None)` when `src` does not yet hold a whole frame.
    ///
    /// While a frame is incomplete, room is reserved in `src` step by step
    /// as its bytes arrive (at most the buffered length or 8 KiB more at a
    /// time, never past the frame's end): a header alone never makes the
    /// buffer grow to the size it announces.
    ///
    /// # Errors
    /// As [`decode_span`](Self::decode_span).
    #[inline]
    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>> {
        match self.decode_span(src)? {
            Some(span) => split_frame(src, span, self.gap()).map(Some),
            None => {
                grow(src, self.needed());
                Ok(None)
            }
        }
    }

    /// Called once the input has ended: as [`decode`](Self::decode), but
    /// with [`decode_span_eof`](Self::decode_span_eof).
    ///
    /// # Errors
    /// As [`decode_span_eof`](Self::decode_span_eof).
    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>> {
        match self.decode_span_eof(src)? {
            Some(span) => split_frame(src, span, self.gap()).map(Some),
            None => Ok(None),
        }
    }
}

/// The least a buffer waiting for a frame grows by, when the frame needs it.
pub(crate) const MIN_GROWTH: usize = 8 * 1024;

/// Makes room in `src` for more of a frame of `needed` bytes in all, bounded
/// by what has arrived: at most `max(src.len(), MIN_GROWTH)` more, and never
/// past the frame's end. Memory follows the data, not a header's promise.
#[inline]
pub(crate) fn grow(src: &mut BytesMut, needed: Option<usize>) {
    let Some(needed) = needed else { return };
    let missing = needed.saturating_sub(src.len());
    let step = missing.min(src.len().max(MIN_GROWTH));
    if src.capacity() - src.len() < step {
        src.reserve(step);
    }
}

/// Splits the frame `span` describes off the front of `src`, keeping only
/// its payload, less the `gap` inside it (see [`FrameDecoder::gap`]): the
/// bytes before the gap move over it, within the frame.
#[inline]
pub(crate) fn split_frame(
    src: &mut BytesMut,
    span: Span,
    gap: Option<Range<usize>>,
) -> Result<Bytes> {
    if !span.fits(src.len()) {
        return Err(bad_span());
    }
    let payload_len = span.payload.end - span.payload.start;
    if let Some(gap) = &gap {
        if gap.start > gap.end || gap.end > payload_len {
            return Err(bad_span());
        }
    }
    let mut frame = src.split_to(span.len);
    frame.truncate(span.payload.end);
    frame.advance(span.payload.start);
    if let Some(gap) = gap {
        #[cfg(test)]
        crate::cost::copied(gap.start);
        frame.copy_within(..gap.start, gap.end - gap.start);
        frame.advance(gap.end - gap.start);
    }
    Ok(frame.freeze())
}

/// A framing returned a span that does not fit its input.
#[cold]
pub(crate) fn bad_span() -> Error {
    Error::new(
        ErrorKind::InvalidHeader("framing returned a span outside its input"),
        0,
    )
}

/// How a reader finds where a message ends ([`FrameEncoder::message_ends`]),
/// which decides what a writer may put in it: a writer refuses what its
/// reader would refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageEnds {
    /// The frame says (a length, a delimiter, the end of the stream): any
    /// message can be written.
    Framed,
    /// There is no frame; the encoding finds the end by scanning
    /// ([`Encoding::scan`](crate::Encoding::scan)). An encoding that
    /// cannot scan (`net`) is refused with [`ErrorKind::Unsupported`].
    Scanned,
    /// There is no frame; the decoder finds the end by decoding
    /// ([`SelfDelimited::retrying`](crate::message::SelfDelimited::retrying)).
    /// A message the encoding's `decode_prefix` cannot read back (a `net`
    /// field that runs to the end of the message) is refused
    /// ([`Encoding::encode_unframed_into_bytes`](crate::Encoding::encode_unframed_into_bytes)).
    Decoded,
}

/// Writes frames around payloads.
///
/// A frame is `head ++ payload ++ tail`. Splitting head and tail from the
/// payload lets writers send large payloads with vectored I/O instead of
/// copying them.
pub trait FrameEncoder {
    /// Appends the bytes that go before `payload` (a length header, ...).
    /// Validates the payload (length limits, a delimiter inside it).
    fn encode_head(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()>;

    /// How many bytes [`encode_head`](Self::encode_head) writes, when that
    /// is the same for every payload (a length field of fixed width, or no
    /// head at all). The message layer then reserves the head, encodes the
    /// message in place after it and writes the head over the reserved
    /// bytes; with the default, `None`, it moves the payload once the head
    /// is known.
    fn head_len(&self) -> Option<usize> {
        None
    }

    /// How many bytes of the payload go before the head: the header fields
    /// before a length field ([`LengthField`] with a `length_field_offset`).
    /// The default, 0, puts the head first.
    fn head_offset(&self) -> usize {
        0
    }

    /// Appends the bytes that go after `payload` (a delimiter, ...).
    fn encode_tail(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        let _ = (payload, dst);
        Ok(())
    }

    /// How the reader of these frames finds where each message ends, and
    /// so what a message written in them may hold. The default,
    /// [`MessageEnds::Framed`], is right for every framing that writes a
    /// frame around the payload.
    fn message_ends(&self) -> MessageEnds {
        MessageEnds::Framed
    }

    /// Appends a whole frame carrying `payload` to `dst`: the payload's
    /// first [`head_offset`](Self::head_offset) bytes, the head, the rest
    /// of the payload, the tail.
    fn encode(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        let (front, back) = payload.split_at(self.head_offset().min(payload.len()));
        let mark = dst.len();
        self.encode_head(payload, dst)?;
        if !front.is_empty() {
            let head = dst.len() - mark;
            dst.extend_from_slice(front);
            if let Some(frame) = dst.get_mut(mark..) {
                frame.rotate_left(head);
            }
        }
        dst.extend_from_slice(back);
        self.encode_tail(payload, dst)
    }
}
