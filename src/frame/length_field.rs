//! Length-field framing: a binary length anywhere in a fixed header,
//! read on decode and written on encode.

use std::ops::Range;

use bytes::BytesMut;

use super::util::{self, HeaderThenBody, State};
use super::{DEFAULT_LIMIT, FrameDecoder, FrameEncoder, Span};
use crate::error::{Error, ErrorKind, Result};

/// Frames with a binary length field at a fixed offset in their header,
/// which the framing reads when decoding and writes when encoding: the
/// settings of tokio-util's `LengthDelimitedCodec` builder, both ways.
///
/// ```text
/// +----------------------+-------------------+-------------------------------+
/// | head: offset bytes   | len: width bytes  | rest: len + adjustment bytes  |
/// +----------------------+-------------------+-------------------------------+
/// decoded payload = head ++ rest (the length field left out)
/// ```
///
/// - [`length_field_offset`](Self::length_field_offset): where the field
///   starts (default 0);
/// - [`length_field_length`](Self::length_field_length): its width, 1 to 8
///   bytes (default 4);
/// - [`length_adjustment`](Self::length_adjustment): added to the field's
///   value to get the number of bytes after the field (default 0; negative
///   when the field counts itself, positive when it leaves out header
///   bytes that follow it);
/// - [`big_endian`](Self::big_endian) (the default) or
///   [`little_endian`](Self::little_endian);
/// - [`with_limit`](Self::with_limit): the largest payload, 16 MiB by
///   default, checked as soon as the field has arrived, before anything is
///   reserved.
///
/// # Where the payload lies
///
/// The payload of a [`LengthField`] frame is the whole frame minus the
/// length field: the header bytes before the field, then everything after
/// it. A message type describes exactly that (a PostgreSQL message is its
/// type byte and its body; a memcached packet is its 24-byte header
/// without the body length, then extras, key and value), and the framing
/// owns the length: it reads it to find the frame's end and writes it from
/// the encoded payload, so no message type keeps a length by hand and what
/// is encoded decodes back byte for byte.
///
/// When the field is at offset 0 (DNS over TCP, Kafka) the payload is one
/// run of bytes after it, decoded in place like any other framing's. With
/// bytes before the field (PostgreSQL's type byte, the first 8 bytes of a
/// memcached header) the payload is two runs of the input with the field
/// between them. Nothing is copied to join them:
///
/// - [`FrameDecoder::decode_span`] returns the whole frame as the span's
///   payload and [`FrameDecoder::gap`] says which bytes of it are the
///   length field; the message layer hands both runs to the encoding
///   ([`Encoding::decode_split`](crate::Encoding::decode_split)), which
///   reads across the gap and still borrows strings and byte strings from
///   the input unless one straddles the gap (then it is copied).
/// - [`FrameDecoder::decode`], which owns its buffer, moves the bytes
///   before the field over it, inside the frame just split off (a copy of
///   `length_field_offset` bytes, never of the body), and returns the
///   payload as one [`Bytes`](bytes::Bytes).
/// - [`FrameEncoder::head_offset`] tells the encoders to write the field
///   after the payload's first `length_field_offset` bytes; a message is
///   still encoded once, in place, and only those bytes move.
///
/// The trade-off: an encoding of your own must implement
/// [`Encoding::decode_split`](crate::Encoding::decode_split) to decode a
/// frame with bytes before its length field (the `net` format does); and
/// unlike tokio-util's `num_skip` nothing is dropped from the frame, since
/// bytes dropped on decode could not be written back on encode.
///
/// # Examples
///
/// PostgreSQL messages: a type byte, then an `Int32` that counts itself and
/// the body but not the type byte.
///
/// ```text
/// INPUT:   'Z' 00 00 00 05 'I'
/// DECODED: 'Z' 'I'
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, LengthField};
///
/// let mut codec = LengthField::new().length_field_offset(1).length_adjustment(-4);
/// let mut wire = BytesMut::new();
/// codec.encode(b"ZI", &mut wire)?;
/// assert_eq!(wire, [b'Z', 0, 0, 0, 5, b'I'][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"ZI"[..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// The memcached binary protocol: a `u32` total body length at offset 8 of
/// a 24-byte header, counting what follows the header (extras, key,
/// value), so the 12 header bytes after the field are added. A GET for
/// the key "Hello":
///
/// ```text
/// INPUT:   80 00 00 05 00 00 00 00 | 00 00 00 05 | 00 x 12 | 'H' 'e' 'l' 'l' 'o'
/// DECODED: 80 00 00 05 00 00 00 00 | 00 x 12 | 'H' 'e' 'l' 'l' 'o'
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, LengthField};
///
/// let mut codec = LengthField::new().length_field_offset(8).length_adjustment(12);
/// let wire: &[u8] = &[
///     0x80, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00,
///     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x48, 0x65, 0x6c, 0x6c, 0x6f,
/// ];
/// let payload = codec.decode(&mut BytesMut::from(wire))?.unwrap();
/// assert_eq!(payload[..8], wire[..8]);
/// assert_eq!(payload[8..], wire[12..]);
///
/// let mut again = BytesMut::new();
/// codec.encode(&payload, &mut again)?;
/// assert_eq!(again, wire);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// STUN (RFC 5389): a `u16` message length at offset 2 that counts the
/// attributes after the 20-byte header, so the 16 header bytes after the
/// field (magic cookie and transaction ID) are added. A Binding request
/// without attributes:
///
/// ```text
/// INPUT:   00 01 | 00 00 | 21 12 A4 42 | id x 12
/// DECODED: 00 01 | 21 12 A4 42 | id x 12
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, LengthField};
///
/// let mut codec = LengthField::new()
///     .length_field_offset(2)
///     .length_field_length(2)
///     .length_adjustment(16);
/// let mut payload = vec![0x00, 0x01, 0x21, 0x12, 0xa4, 0x42];
/// payload.extend_from_slice(&[7; 12]);
/// let mut wire = BytesMut::new();
/// codec.encode(&payload, &mut wire)?;
/// assert_eq!(wire[..8], [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
/// assert_eq!(wire.len(), 20);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), payload);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// DNS over TCP (RFC 1035, 4.2.2): a `u16` length before each message.
///
/// ```text
/// INPUT:   00 03 'a' 'b' 'c'
/// DECODED: 'a' 'b' 'c'
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, LengthField};
///
/// let mut codec = LengthField::new().length_field_length(2);
/// let mut wire = BytesMut::new();
/// codec.encode(b"abc", &mut wire)?;
/// assert_eq!(wire, [0, 3, b'a', b'b', b'c'][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"abc"[..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// Kafka: an `int32` size before each request and response, the default.
///
/// ```text
/// INPUT:   00 00 00 02 'h' 'i'
/// DECODED: 'h' 'i'
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, LengthField};
///
/// let mut codec = LengthField::new();
/// let mut wire = BytesMut::new();
/// codec.encode(b"hi", &mut wire)?;
/// assert_eq!(wire, [0, 0, 0, 2, b'h', b'i'][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"hi"[..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// Little-endian: MySQL's packets, a 3-byte length that leaves out the
/// sequence number after it.
///
/// ```text
/// INPUT:   01 00 00 | 00 | 0E
/// DECODED: 00 0E
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, LengthField};
///
/// let mut codec = LengthField::new()
///     .length_field_length(3)
///     .little_endian()
///     .length_adjustment(1);
/// let mut wire = BytesMut::new();
/// codec.encode(&[0, 0x0e], &mut wire)?;
/// assert_eq!(wire, [1, 0, 0, 0, 0x0e][..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &[0, 0x0e][..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// A field announcing more than the limit is refused where it stands,
/// before anything is reserved; one whose adjustment would end the frame
/// inside its own header is refused too.
///
/// ```text
/// INPUT:   'Q' FF FF FF FF ...        (limit 1024)
/// DECODED: error LengthOverLimit at offset 1
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::ErrorKind;
/// use netwire::frame::{FrameDecoder, LengthField};
///
/// let mut codec = LengthField::new()
///     .length_field_offset(1)
///     .length_adjustment(-4)
///     .with_limit(1024);
/// let err = codec.decode(&mut BytesMut::from(&b"Q\xff\xff\xff\xff"[..])).unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 0xffff_fffc, limit: 1024 });
/// assert_eq!(err.offset(), Some(1));
///
/// let err = codec.decode(&mut BytesMut::from(&b"Q\0\0\0\x03"[..])).unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)));
/// assert_eq!(err.offset(), Some(1));
/// ```
///
/// # Configuration
///
/// Built with [`LengthField::new`] and adjusted with the `self`-returning
/// setters. The value also carries the decoding state of the frame in
/// progress, so use one per stream direction.
#[derive(Clone, Debug)]
pub struct LengthField {
    offset: usize,
    width: usize,
    adjustment: isize,
    little_endian: bool,
    limit: usize,
    state: State,
}

impl LengthField {
    /// A 4-byte big-endian length at offset 0 that counts the bytes after
    /// it, as tokio-util's default.
    pub fn new() -> Self {
        LengthField {
            offset: 0,
            width: 4,
            adjustment: 0,
            little_endian: false,
            limit: DEFAULT_LIMIT,
            state: State::Head,
        }
    }

    /// How many header bytes come before the length field. They are part
    /// of the payload. Defaults to 0.
    #[must_use]
    pub fn length_field_offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// The width of the length field in bytes. Defaults to 4.
    ///
    /// # Panics
    /// If `width` is not 1 to 8.
    #[must_use]
    pub fn length_field_length(mut self, width: usize) -> Self {
        assert!(
            (1..=8).contains(&width),
            "a length field is 1 to 8 bytes wide"
        );
        self.width = width;
        self
    }

    /// A signed amount added to the field's value to get the number of
    /// bytes after the field (so the encoder writes that number minus
    /// `adjustment`). Defaults to 0.
    #[must_use]
    pub fn length_adjustment(mut self, adjustment: isize) -> Self {
        self.adjustment = adjustment;
        self
    }

    /// The length field is big-endian (network byte order), the default.
    #[must_use]
    pub fn big_endian(mut self) -> Self {
        self.little_endian = false;
        self
    }

    /// The length field is little-endian.
    #[must_use]
    pub fn little_endian(mut self) -> Self {
        self.little_endian = true;
        self
    }

    util::limit_methods!("payload (the frame without its length field)");

    /// Where the length field ends, counted from the frame's start.
    #[inline]
    fn header_end(&self) -> Option<usize> {
        self.offset.checked_add(self.width)
    }

    fn read_field(&self, field: &[u8]) -> u64 {
        if self.little_endian {
            field
                .iter()
                .rev()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
        } else {
            util::read_be(field)
        }
    }

    fn write_field(&self, value: u64, dst: &mut BytesMut) {
        if self.little_endian {
            let bytes = value.to_le_bytes();
            dst.extend_from_slice(bytes.get(..self.width).unwrap_or(&bytes));
        } else {
            util::write_be(value, self.width, dst);
        }
    }

    /// The payload length announced by a field holding `field`: the bytes
    /// before the field and the bytes after it.
    fn payload_len(&self, field: u64) -> Result<usize> {
        let after = i128::from(field) + self.adjustment as i128;
        if after < 0 {
            return Err(Error::new(
                ErrorKind::InvalidHeader("length field smaller than the length adjustment"),
                self.offset as u64,
            ));
        }
        let len = (self.offset as i128).saturating_add(after);
        let len = u64::try_from(len).unwrap_or(u64::MAX);
        util::check_limit(len, self.limit, self.offset)
    }
}

impl Default for LengthField {
    /// As [`LengthField::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl HeaderThenBody for LengthField {
    /// With bytes before the field the payload starts with the frame; the
    /// field itself is the gap.
    #[inline]
    fn skip(&self) -> usize {
        if self.offset == 0 { self.width } else { 0 }
    }

    fn parse_header(&self, src: &[u8]) -> Result<Option<usize>> {
        if self.offset > self.limit && !src.is_empty() {
            // No frame could fit: refuse now rather than buffer its head.
            return Err(util::over_limit(self.offset as u64, self.limit, Some(0)));
        }
        let Some(end) = self.header_end() else {
            return Err(Error::new(
                ErrorKind::InvalidHeader("length field offset too large"),
                0,
            ));
        };
        let Some(field) = src.get(self.offset..end) else {
            return Ok(None);
        };
        let payload = self.payload_len(self.read_field(field))?;
        util::with_header(payload, self.width, self.limit).map(Some)
    }

    #[inline]
    fn state(&mut self) -> &mut State {
        &mut self.state
    }
}

impl FrameDecoder for LengthField {
    fn lower_limit(&mut self, max: usize) {
        self.limit = self.limit.min(max);
    }

    /// # Errors
    /// [`ErrorKind::LengthOverLimit`] when the field announces a payload
    /// over the limit, [`ErrorKind::InvalidHeader`] when the adjustment
    /// makes the length negative; both at the field's offset.
    #[inline]
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body(src)
    }

    /// # Errors
    /// As [`decode_span`](Self::decode_span), and [`ErrorKind::Truncated`]
    /// when the input ends inside a frame, with the frame's full size once
    /// its length field has arrived.
    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body_eof(src)
    }

    fn needed(&self) -> Option<usize> {
        self.state.needed()
    }

    /// The length field, when bytes come before it.
    fn gap(&self) -> Option<Range<usize>> {
        (self.offset > 0).then(|| self.offset..self.offset.saturating_add(self.width))
    }
}

impl FrameEncoder for LengthField {
    fn head_len(&self) -> Option<usize> {
        Some(self.width)
    }

    fn head_offset(&self) -> usize {
        self.offset
    }

    /// Writes the length field for `payload`, whose first
    /// `length_field_offset` bytes go before it.
    ///
    /// # Errors
    /// [`ErrorKind::LengthOverLimit`] when the payload is longer than the
    /// limit, [`ErrorKind::InvalidHeader`] when it is shorter than the bytes
    /// before the field or the adjustment would make the field negative,
    /// [`ErrorKind::LengthOverflow`] when the field cannot hold the value.
    /// Nothing is written on error.
    fn encode_head(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        util::check_payload(payload, self.limit)?;
        let Some(after) = payload.len().checked_sub(self.offset) else {
            return Err(Error::without_offset(ErrorKind::InvalidHeader(
                "payload shorter than the bytes before the length field",
            )));
        };
        let field = after as i128 - self.adjustment as i128;
        let field = u64::try_from(field).map_err(|_| {
            Error::without_offset(ErrorKind::InvalidHeader(
                "payload too short for the length adjustment",
            ))
        })?;
        let max = util::width_max(self.width);
        if field > max {
            return Err(Error::without_offset(ErrorKind::LengthOverflow {
                len: field,
                max,
            }));
        }
        self.write_field(field, dst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn postgres() -> LengthField {
        LengthField::new()
            .length_field_offset(1)
            .length_adjustment(-4)
    }

    #[test]
    fn the_span_covers_the_field_and_the_gap_names_it() {
        let mut codec = postgres();
        let input = b"Z\0\0\0\x05IQ";
        assert_eq!(codec.decode_span(input).unwrap(), Some(Span::new(0..6, 6)));
        assert_eq!(codec.gap(), Some(1..5));
        let mut dns = LengthField::new().length_field_length(2);
        assert_eq!(
            dns.decode_span(b"\0\x01x").unwrap(),
            Some(Span::new(2..3, 3))
        );
        assert_eq!(dns.gap(), None);
    }

    #[test]
    fn little_endian_fields_round_trip_for_every_width() {
        for width in 1..=8 {
            let codec = LengthField::new()
                .length_field_length(width)
                .little_endian();
            let mut dst = BytesMut::new();
            codec.write_field(0x0102, &mut dst);
            assert_eq!(dst.len(), width);
            assert_eq!(dst[0], 0x02, "least significant byte first");
            assert_eq!(codec.read_field(&dst), 0x0102 & util::width_max(width));
        }
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn extreme_settings_are_errors_not_panics() {
        let mut codec = LengthField::new()
            .length_field_offset(usize::MAX)
            .with_limit(usize::MAX);
        let err = codec.decode_span(b"x").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)));
        let mut codec = LengthField::new()
            .length_field_length(8)
            .length_adjustment(isize::MAX)
            .with_limit(usize::MAX);
        let err = codec.decode_span(&[0xff; 8]).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::LengthOverLimit { .. }));
        let mut codec = LengthField::new().length_adjustment(isize::MIN);
        assert!(codec.decode_span(&[0xff; 4]).is_err());
        assert!(codec.encode_head(b"", &mut BytesMut::new()).is_err());
    }

    #[test]
    fn an_offset_past_the_limit_is_refused_at_the_first_byte() {
        let mut codec = LengthField::new().length_field_offset(10).with_limit(4);
        assert_eq!(codec.decode_span(b"").unwrap(), None);
        let err = codec.decode_span(b"a").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::LengthOverLimit { .. }));
    }
}
