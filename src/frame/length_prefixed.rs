//! Length-prefixed framing: a big-endian binary length, then the payload.

use bytes::BytesMut;

use super::util::{self, HeaderThenBody, State};
use super::{DEFAULT_LIMIT, FrameDecoder, FrameEncoder, Span};
use crate::error::{Error, ErrorKind, Result};

/// Length-prefixed frames: a big-endian binary length, then that many bytes.
///
/// ```text
/// +------------------+--------------------+
/// | len: uN big-end. | payload: len bytes |
/// +------------------+--------------------+
///   N = 8, 16, 32 or 64 bits
/// ```
///
/// The decoded frame is the payload alone; the length field is dropped.
/// Two settings change what the length field counts, as in tokio-util's
/// `length_delimited` builder:
///
/// - [`LengthPrefixed::length_includes_header`]: the field counts itself too
///   (`| len = 2 + n: u16 | payload: n bytes |`).
/// - [`LengthPrefixed::length_adjustment`]: a signed amount added to the
///   field's value to get the payload length (after the header adjustment,
///   when both are set).
///
/// A field announcing more than [`LengthPrefixed::with_limit`] bytes
/// of payload (16 MiB by default) is rejected as soon as the field has
/// arrived, before anything is reserved for it.
///
/// # Examples
///
/// `u32` length, the default configuration.
///
/// ```text
/// INPUT:  00 00 00 02 'h' 'i' 00 00 00 00
/// FRAMES: "hi", ""
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, LengthPrefixed};
///
/// let mut codec = LengthPrefixed::u32();
/// let mut wire = BytesMut::new();
/// codec.encode(b"hi", &mut wire)?;
/// codec.encode(b"", &mut wire)?;
/// assert_eq!(wire, [0, 0, 0, 2, b'h', b'i', 0, 0, 0, 0][..]);
///
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"hi"[..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b""[..]);
/// assert_eq!(codec.decode(&mut wire)?, None);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// `u16` length that counts its own two bytes.
///
/// ```text
/// INPUT:  00 05 'a' 'b' 'c'
/// FRAMES: "abc"
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, LengthPrefixed};
///
/// let mut codec = LengthPrefixed::u16().length_includes_header(true);
/// let mut wire = BytesMut::new();
/// codec.encode(b"abc", &mut wire)?;
/// assert_eq!(wire, [0, 5, b'a', b'b', b'c'][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"abc"[..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// `u8` length with an adjustment of 2: the field leaves out a 2-byte
/// trailer (a checksum, say) that is part of the frame.
///
/// ```text
/// INPUT:  01 'x' CC CC
/// FRAMES: "x" CC CC
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, LengthPrefixed};
///
/// let mut codec = LengthPrefixed::u8().length_adjustment(2);
/// let mut wire = BytesMut::new();
/// codec.encode(b"x\xcc\xcc", &mut wire)?;
/// assert_eq!(wire, [1, b'x', 0xcc, 0xcc][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"x\xcc\xcc"[..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// `u64` length with a small limit: a hostile header is refused before any
/// memory is reserved for it.
///
/// ```text
/// INPUT:  FF FF FF FF FF FF FF FF ...
/// FRAMES: error LengthOverLimit at offset 0
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::ErrorKind;
/// use netwire::frame::{FrameDecoder, LengthPrefixed};
///
/// let mut codec = LengthPrefixed::u64().with_limit(1024);
/// let mut wire = BytesMut::from(&[0xff; 8][..]);
/// let err = codec.decode(&mut wire).unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: u64::MAX, limit: 1024 });
/// assert_eq!(err.offset(), Some(0));
/// ```
///
/// # Configuration
///
/// Built with [`u8`](Self::u8), [`u16`](Self::u16), [`u32`](Self::u32) or
/// [`u64`](Self::u64) and adjusted with the `self`-returning setters.
/// The value also carries the decoding state of the frame in progress, so
/// use one per stream direction.
#[derive(Clone, Debug)]
pub struct LengthPrefixed {
    width: usize,
    limit: usize,
    length_adjustment: isize,
    includes_header: bool,
    state: State,
}

impl LengthPrefixed {
    fn with_width(width: usize) -> Self {
        LengthPrefixed {
            width,
            limit: DEFAULT_LIMIT,
            length_adjustment: 0,
            includes_header: false,
            state: State::Head,
        }
    }

    /// A one-byte length (payloads up to 255 bytes).
    pub fn u8() -> Self {
        Self::with_width(1)
    }

    /// A two-byte big-endian length.
    pub fn u16() -> Self {
        Self::with_width(2)
    }

    /// A four-byte big-endian length.
    pub fn u32() -> Self {
        Self::with_width(4)
    }

    /// An eight-byte big-endian length.
    pub fn u64() -> Self {
        Self::with_width(8)
    }

    util::limit_methods!("payload");

    /// A signed amount added to the length field to get the payload length
    /// (so the encoder writes `payload.len() - adjustment`). Defaults to 0.
    #[must_use]
    pub fn length_adjustment(mut self, adjustment: isize) -> Self {
        self.length_adjustment = adjustment;
        self
    }

    /// Whether the length field counts its own bytes as well as the payload.
    /// Defaults to `false`. Combines with
    /// [`length_adjustment`](Self::length_adjustment).
    #[must_use]
    pub fn length_includes_header(mut self, includes: bool) -> Self {
        self.includes_header = includes;
        self
    }

    /// The total amount added to the field's value to get the payload
    /// length. `i128` holds any field value plus any adjustment exactly.
    #[inline]
    fn adjustment(&self) -> i128 {
        let header = if self.includes_header {
            self.width as i128
        } else {
            0
        };
        self.length_adjustment as i128 - header
    }

    /// The payload length announced by a header field holding `field`.
    #[inline]
    fn payload_len(&self, field: u64) -> Result<usize> {
        let len = i128::from(field) + self.adjustment();
        if len < 0 {
            return Err(Error::new(
                ErrorKind::InvalidHeader("length field smaller than the header or adjustment"),
                0,
            ));
        }
        let len = u64::try_from(len).unwrap_or(u64::MAX);
        util::check_limit(len, self.limit, 0)
    }
}

impl Default for LengthPrefixed {
    /// A `u32` length, as [`LengthPrefixed::u32`].
    fn default() -> Self {
        Self::u32()
    }
}

impl HeaderThenBody for LengthPrefixed {
    #[inline]
    fn skip(&self) -> usize {
        self.width
    }

    #[inline]
    fn parse_header(&self, src: &[u8]) -> Result<Option<usize>> {
        let Some(field) = src.get(..self.width) else {
            return Ok(None);
        };
        let payload = self.payload_len(util::read_be(field))?;
        util::with_header(payload, self.width, self.limit).map(Some)
    }

    #[inline]
    fn state(&mut self) -> &mut State {
        &mut self.state
    }
}

impl FrameDecoder for LengthPrefixed {
    fn lower_limit(&mut self, max: usize) {
        self.limit = self.limit.min(max);
    }

    /// # Errors
    /// [`ErrorKind::LengthOverLimit`] when the header announces more than
    /// the maximum, [`ErrorKind::InvalidHeader`] when the adjustment makes
    /// the announced length negative; both at offset 0, the header's start.
    #[inline]
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body(src)
    }

    /// # Errors
    /// As [`decode_span`](Self::decode_span), and [`ErrorKind::Truncated`]
    /// when the input ends inside a frame, with the frame's full size
    /// (header included) once its header has arrived.
    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body_eof(src)
    }

    fn needed(&self) -> Option<usize> {
        self.state.needed()
    }
}

impl FrameEncoder for LengthPrefixed {
    fn head_len(&self) -> Option<usize> {
        Some(self.width)
    }

    /// Writes the length field.
    ///
    /// # Errors
    /// [`ErrorKind::LengthOverLimit`] when the payload is longer than the
    /// maximum, [`ErrorKind::LengthOverflow`] when the length field cannot
    /// hold the value, [`ErrorKind::InvalidHeader`] when the adjustment
    /// would make the field negative. Nothing is written on error.
    fn encode_head(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        util::check_payload(payload, self.limit)?;
        let field = payload.len() as i128 - self.adjustment();
        let max = util::width_max(self.width);
        let field = u64::try_from(field).map_err(|_| {
            Error::without_offset(ErrorKind::InvalidHeader(
                "payload too short for the length adjustment",
            ))
        })?;
        if field > max {
            return Err(Error::without_offset(ErrorKind::LengthOverflow {
                len: field,
                max,
            }));
        }
        util::write_be(field, self.width, dst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_split_across_calls_keeps_bytes_in_src() {
        let mut codec = LengthPrefixed::u32();
        let mut src = BytesMut::from(&[0, 0][..]);
        assert_eq!(codec.decode(&mut src).unwrap(), None);
        assert_eq!(src.len(), 2);
        src.extend_from_slice(&[0, 3, b'a']);
        assert_eq!(codec.decode(&mut src).unwrap(), None);
        assert_eq!(codec.state, State::Data(7));
        assert_eq!(src.len(), 5, "the header stays until the frame is whole");
        src.extend_from_slice(b"bc");
        assert_eq!(codec.decode(&mut src).unwrap().unwrap(), &b"abc"[..]);
        assert_eq!(codec.state, State::Head);
        assert!(src.is_empty());
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn adjustment_is_exact_at_the_extremes() {
        let codec = LengthPrefixed::u64()
            .length_adjustment(isize::MIN)
            .with_limit(usize::MAX);
        assert_eq!(
            codec.payload_len(u64::MAX).unwrap() as u64,
            u64::MAX - (1 << 63)
        );
        assert!(codec.payload_len(0).is_err());
    }
}
