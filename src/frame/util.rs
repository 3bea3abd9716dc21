//! Pieces shared by the framing strategies: big-endian length fields, limit
//! checks done before any reservation, and the "header parsed, waiting for
//! the rest" state of every strategy whose frame length is known up front.

use bytes::{BufMut, BytesMut};

use super::Span;
use crate::error::{Error, ErrorKind, Result};

/// Where a length-known strategy stands in the current frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum State {
    /// The header has not been parsed yet.
    #[default]
    Head,
    /// The header says the frame is this many bytes on the wire, header
    /// included; the bytes stay in `src` until all of them have arrived.
    Data(usize),
}

/// Reads an unsigned big-endian integer of `bytes.len()` (at most 8) bytes.
#[inline]
pub(crate) fn read_be(bytes: &[u8]) -> u64 {
    debug_assert!(bytes.len() <= 8);
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// Appends the low `width` bytes of `value` in big-endian order.
pub(crate) fn write_be(value: u64, width: usize, dst: &mut BytesMut) {
    let bytes = value.to_be_bytes();
    let start = bytes.len().saturating_sub(width);
    dst.put_slice(bytes.get(start..).unwrap_or(&bytes));
}

/// The largest value a big-endian field of `width` bytes (1 to 8) can hold.
pub(crate) fn width_max(width: usize) -> u64 {
    match width {
        0 => 0,
        1..=7 => (1u64 << (8 * width)) - 1,
        _ => u64::MAX,
    }
}

/// Accepts `len` if it is at most `limit`, as a `usize` (which it then fits);
/// otherwise a [`ErrorKind::LengthOverLimit`] at `offset`.
#[inline]
pub(crate) fn check_limit(len: u64, limit: usize, offset: usize) -> Result<usize> {
    match usize::try_from(len) {
        Ok(n) if n <= limit => Ok(n),
        _ => Err(over_limit(len, limit, Some(offset))),
    }
}

/// Accepts a payload to encode if it is at most `limit` bytes long;
/// otherwise a [`ErrorKind::LengthOverLimit`] without an offset.
pub(crate) fn check_payload(payload: &[u8], limit: usize) -> Result<()> {
    if payload.len() > limit {
        return Err(over_limit(payload.len() as u64, limit, None));
    }
    Ok(())
}

/// A [`ErrorKind::LengthOverLimit`], at `offset` when decoding, without an
/// offset when encoding.
#[cold]
pub(crate) fn over_limit(len: u64, limit: usize, offset: Option<usize>) -> Error {
    let kind = ErrorKind::LengthOverLimit {
        len,
        limit: limit as u64,
    };
    match offset {
        Some(off) => Error::new(kind, off as u64),
        None => Error::without_offset(kind),
    }
}

/// The stream ended with `received` bytes of a frame that should have had
/// `expected` bytes (when its header had been read). The frame starts at
/// offset 0 of the buffer.
#[cold]
pub(crate) fn truncated(received: usize, expected: Option<usize>) -> Error {
    Error::new(
        ErrorKind::Truncated {
            received: received as u64,
            expected: expected.map(|e| e as u64),
        },
        0,
    )
}

impl State {
    /// The frame's total size once its header has been read.
    #[inline]
    pub(crate) fn needed(self) -> Option<usize> {
        match self {
            State::Head => None,
            State::Data(total) => Some(total),
        }
    }
}

/// The span of a `total`-byte frame at the start of `src` once all of it
/// has arrived, its first `skip` bytes being a header that is not part of
/// the payload; `None` until then.
#[inline]
pub(crate) fn frame_span(src: &[u8], skip: usize, total: usize) -> Option<Span> {
    if src.len() < total {
        return None;
    }
    Some(Span {
        payload: skip.min(total)..total,
        len: total,
    })
}

/// What a length-known strategy does at the end of the input: the frame in
/// progress is truncated, reported with its declared size when known.
pub(crate) fn eof_after(state: State, src: &[u8]) -> Result<Option<Span>> {
    if src.is_empty() {
        return Ok(None);
    }
    Err(truncated(src.len(), state.needed()))
}

/// The size on the wire of a frame with a `header`-byte header before a
/// `payload`-byte payload; a [`ErrorKind::LengthOverLimit`] at offset 0 if
/// that does not fit a `usize`.
#[inline]
pub(crate) fn with_header(payload: usize, header: usize, limit: usize) -> Result<usize> {
    payload
        .checked_add(header)
        .ok_or_else(|| over_limit(payload as u64, limit, Some(0)))
}

/// A strategy whose frame size is known once a header at the frame's start
/// has been parsed. The header is parsed once; the frame's bytes then stay
/// in the input until all of them have arrived.
pub(crate) trait HeaderThenBody {
    /// How many bytes at the frame's start are not part of the payload.
    fn skip(&self) -> usize;

    /// The size on the wire of the frame at the start of `src`, header
    /// included, or `None` while its header is incomplete.
    fn parse_header(&self, src: &[u8]) -> Result<Option<usize>>;

    /// Where the strategy stands in the current frame.
    fn state(&mut self) -> &mut State;

    /// [`FrameDecoder::decode_span`](super::FrameDecoder::decode_span) for
    /// the strategy.
    #[inline]
    fn header_then_body(&mut self, src: &[u8]) -> Result<Option<Span>> {
        let total = match *self.state() {
            State::Data(total) => total,
            State::Head => {
                let Some(total) = self.parse_header(src)? else {
                    return Ok(None);
                };
                *self.state() = State::Data(total);
                total
            }
        };
        let span = frame_span(src, self.skip(), total);
        if span.is_some() {
            *self.state() = State::Head;
        }
        Ok(span)
    }

    /// [`FrameDecoder::decode_span_eof`](super::FrameDecoder::decode_span_eof)
    /// for the strategy: as [`header_then_body`](Self::header_then_body),
    /// and a frame in progress at the end is truncated.
    fn header_then_body_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        match self.header_then_body(src)? {
            Some(span) => Ok(Some(span)),
            None => eof_after(*self.state(), src),
        }
    }
}

/// The limit methods every strategy with a `limit` field has: `with_limit`,
/// `limit`, and the deprecated `max_frame_length`. `$what` names what the
/// limit counts.
macro_rules! limit_methods {
    ($what:literal) => {
        #[doc = concat!(
                    "The largest ", $what, " accepted, in bytes, when decoding and encoding; ",
                    "[`DEFAULT_LIMIT`](crate::frame::DEFAULT_LIMIT) (16 MiB) by default."
                )]
        #[must_use]
        pub fn with_limit(mut self, limit: usize) -> Self {
            self.limit = limit;
            self
        }

        /// The old name of [`with_limit`](Self::with_limit).
        #[deprecated(since = "0.2.0", note = "renamed to `with_limit`")]
        #[must_use]
        pub fn max_frame_length(self, max: usize) -> Self {
            self.with_limit(max)
        }

        #[doc = concat!("The largest ", $what, " accepted, in bytes.")]
        pub fn limit(&self) -> usize {
            self.limit
        }
    };
}
pub(crate) use limit_methods;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn be_fields_round_trip_for_every_width() {
        for width in 1..=8 {
            let max = width_max(width);
            for value in [0, 1, 0x7f, max / 2, max] {
                let mut dst = BytesMut::new();
                write_be(value, width, &mut dst);
                assert_eq!(dst.len(), width);
                assert_eq!(read_be(&dst), value);
            }
        }
        assert_eq!(width_max(1), 0xff);
        assert_eq!(width_max(2), 0xffff);
        assert_eq!(width_max(8), u64::MAX);
    }

    #[test]
    fn limits_are_checked_without_truncation() {
        assert_eq!(check_limit(10, 10, 0).unwrap(), 10);
        let err = check_limit(u64::MAX, 10, 3).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::LengthOverLimit {
                len: u64::MAX,
                limit: 10
            }
        );
        assert_eq!(err.offset(), Some(3));
    }

    #[test]
    fn frame_span_waits_for_the_whole_frame() {
        assert_eq!(frame_span(b"\x03ab", 1, 4), None);
        let span = frame_span(b"\x03abcX", 1, 4).unwrap();
        assert_eq!(span, Span::new(1..4, 4));
        assert_eq!(frame_span(b"ab", 5, 2), Some(Span::new(2..2, 2)));
    }

    #[test]
    fn eof_reports_the_declared_size_once_known() {
        assert_eq!(eof_after(State::Head, b"").unwrap(), None);
        let err = eof_after(State::Data(9), b"abc").unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::Truncated {
                received: 3,
                expected: Some(9)
            }
        );
    }
}
