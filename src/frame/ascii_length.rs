//! ASCII length-prefixed framing: a fixed number of decimal digits, then
//! the payload.

use bytes::BytesMut;

use super::util::{self, HeaderThenBody, State};
use super::{DEFAULT_LIMIT, FrameDecoder, FrameEncoder, Span};
use crate::error::{Error, ErrorKind, Result};

/// The largest digit count: 19 nines still fit in a `u64`.
const MAX_DIGITS: usize = 19;

/// Frames carrying their payload length as zero-padded ASCII decimal digits
/// of a fixed count: the socket HOWTO's 5-digit header.
///
/// ```text
/// +-------------------------------+--------------------+
/// | len: d ASCII digits, 0-padded | payload: len bytes |
/// +-------------------------------+--------------------+
/// ```
///
/// The decoded frame is the payload alone. Digits are checked as they
/// arrive, so a header holding anything else is refused without waiting
/// for the rest of it. The payload length is bounded by both the digit
/// count and [`with_limit`](Self::with_limit) (16 MiB by
/// default), checked before anything is reserved.
///
/// # Examples
///
/// `AsciiLength::digits(5)`:
///
/// ```text
/// INPUT:  "00005hello00000"
/// FRAMES: "hello", ""
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{AsciiLength, FrameDecoder, FrameEncoder};
///
/// let mut codec = AsciiLength::digits(5);
/// let mut wire = BytesMut::new();
/// codec.encode(b"hello", &mut wire)?;
/// codec.encode(b"", &mut wire)?;
/// assert_eq!(wire, b"00005hello00000"[..]);
///
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"hello"[..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b""[..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// A malformed header is reported at the offending byte:
///
/// ```
/// use bytes::BytesMut;
/// use netwire::ErrorKind;
/// use netwire::frame::{AsciiLength, FrameDecoder, FrameEncoder};
///
/// let mut codec = AsciiLength::digits(5);
/// let err = codec.decode(&mut BytesMut::from(&b"00-4"[..])).unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)));
/// assert_eq!(err.offset(), Some(2));
///
/// // Two digits carry at most 99 bytes.
/// let err = AsciiLength::digits(2).encode(&[0; 100], &mut BytesMut::new()).unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::LengthOverflow { len: 100, max: 99 });
/// ```
#[derive(Clone, Debug)]
pub struct AsciiLength {
    digits: usize,
    limit: usize,
    state: State,
}

impl AsciiLength {
    /// A header of exactly `digits` decimal digits.
    ///
    /// # Panics
    /// If `digits` is 0 or more than 19 (the most a `u64` length needs).
    pub fn digits(digits: usize) -> Self {
        assert!(
            (1..=MAX_DIGITS).contains(&digits),
            "a decimal length header has 1 to 19 digits"
        );
        AsciiLength {
            digits,
            limit: DEFAULT_LIMIT,
            state: State::Head,
        }
    }

    util::limit_methods!("payload");

    /// The largest length the digits can write: `10^digits - 1`.
    fn digits_max(&self) -> u64 {
        10u64
            .checked_pow(self.digits as u32)
            .map_or(u64::MAX, |p| p - 1)
    }

    /// Parses the header once it is complete; rejects a non-digit as soon
    /// as it is seen.
    fn parse_head(&self, src: &[u8]) -> Result<Option<usize>> {
        let head = src.get(..self.digits.min(src.len())).unwrap_or_default();
        let mut value = 0u64;
        for (i, &b) in head.iter().enumerate() {
            if !b.is_ascii_digit() {
                return Err(Error::new(
                    ErrorKind::InvalidHeader("non-digit in a decimal length header"),
                    i as u64,
                ));
            }
            // At most 19 digits: cannot overflow.
            value = value * 10 + u64::from(b - b'0');
        }
        if head.len() < self.digits {
            return Ok(None);
        }
        util::check_limit(value, self.limit, 0).map(Some)
    }
}

impl HeaderThenBody for AsciiLength {
    #[inline]
    fn skip(&self) -> usize {
        self.digits
    }

    #[inline]
    fn parse_header(&self, src: &[u8]) -> Result<Option<usize>> {
        let Some(payload) = self.parse_head(src)? else {
            return Ok(None);
        };
        util::with_header(payload, self.digits, self.limit).map(Some)
    }

    #[inline]
    fn state(&mut self) -> &mut State {
        &mut self.state
    }
}

impl FrameDecoder for AsciiLength {
    fn lower_limit(&mut self, max: usize) {
        self.limit = self.limit.min(max);
    }

    /// # Errors
    /// [`ErrorKind::InvalidHeader`] at the offset of a header byte that is
    /// not an ASCII digit; [`ErrorKind::LengthOverLimit`] at offset 0 when
    /// the header announces more than the maximum.
    #[inline]
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body(src)
    }

    /// # Errors
    /// As [`decode_span`](Self::decode_span), and [`ErrorKind::Truncated`]
    /// when the input ends inside a frame, with its full size once the
    /// header is in.
    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body_eof(src)
    }

    fn needed(&self) -> Option<usize> {
        self.state.needed()
    }
}

impl FrameEncoder for AsciiLength {
    fn head_len(&self) -> Option<usize> {
        Some(self.digits)
    }

    /// Writes the zero-padded digits.
    ///
    /// # Errors
    /// [`ErrorKind::LengthOverLimit`] when the payload is longer than the
    /// maximum, [`ErrorKind::LengthOverflow`] when its length needs more
    /// digits than configured.
    fn encode_head(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        util::check_payload(payload, self.limit)?;
        let len = payload.len() as u64;
        let max = self.digits_max();
        if len > max {
            return Err(Error::without_offset(ErrorKind::LengthOverflow {
                len,
                max,
            }));
        }
        let mut buf = itoa::Buffer::new();
        let text = buf.format(len).as_bytes();
        let pad = self.digits.saturating_sub(text.len());
        dst.reserve(self.digits);
        dst.extend(std::iter::repeat_n(b'0', pad));
        dst.extend_from_slice(text);
        Ok(())
    }
}
