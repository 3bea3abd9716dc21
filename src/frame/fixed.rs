//! Fixed-length framing: every frame has the same size (the socket HOWTO's
//! `MSGLEN`).

use bytes::BytesMut;
use zerocopy::{FromBytes, Immutable, KnownLayout};

use super::util::{self, State};
use super::{FrameDecoder, FrameEncoder, Span};
use crate::error::{Error, ErrorKind, Result};

/// Frames of one fixed size, with no header at all.
///
/// ```text
/// +---------------------------+
/// | payload: exactly n bytes  |
/// +---------------------------+
/// ```
///
/// The encoder writes the payload as is, after checking its size; the
/// decoder cuts the input every `n` bytes.
///
/// # Examples
///
/// `FixedLength::new(4)`:
///
/// ```text
/// INPUT:  'p' 'i' 'n' 'g' 'p' 'o' 'n' 'g' 'x'
/// FRAMES: "ping", "pong"          (and "x" waits for 3 more bytes)
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FixedLength, FrameDecoder, FrameEncoder};
///
/// let mut codec = FixedLength::new(4);
/// let mut wire = BytesMut::new();
/// codec.encode(b"ping", &mut wire)?;
/// codec.encode(b"pong", &mut wire)?;
/// assert_eq!(wire, b"pingpong"[..]);
///
/// wire.extend_from_slice(b"x");
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"ping"[..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"pong"[..]);
/// assert_eq!(codec.decode(&mut wire)?, None);
/// assert_eq!(wire, b"x"[..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// `FixedLength::of::<Sample>()`, where the frame is a zerocopy struct
/// read in place:
///
/// ```text
/// INPUT:  00 07 00 00 01 00
/// FRAMES: Sample { id: 7, value: 256 }
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FixedLength, FrameDecoder};
/// use zerocopy::network_endian::{U16, U32};
/// use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};
///
/// #[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
/// #[repr(C)]
/// struct Sample {
///     id: U16,
///     value: U32,
/// }
///
/// let mut codec = FixedLength::of::<Sample>();
/// assert_eq!(codec.frame_length(), 6);
/// let mut wire = BytesMut::from(&[0, 7, 0, 0, 1, 0][..]);
/// let frame = codec.decode(&mut wire)?.unwrap();
/// let sample = Sample::ref_from_bytes(&frame).unwrap();
/// assert_eq!(sample.id.get(), 7);
/// assert_eq!(sample.value.get(), 256);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// Frames start at arbitrary addresses, so `ref_from_bytes` succeeds for
/// [`Unaligned`](zerocopy::Unaligned) types like the one above; for other
/// types copy the frame out with `read_from_bytes`.
#[derive(Clone, Debug)]
pub struct FixedLength {
    len: usize,
    /// The largest frame a message layer allows (see
    /// [`FrameDecoder::lower_limit`]).
    max: usize,
}

impl FixedLength {
    /// Frames of exactly `len` bytes.
    ///
    /// # Panics
    /// If `len` is 0: an empty frame would come out of any input endlessly.
    pub fn new(len: usize) -> Self {
        assert!(len > 0, "a fixed frame length must be at least 1 byte");
        FixedLength {
            len,
            max: usize::MAX,
        }
    }

    /// Frames the size of `H`, a zerocopy type the frame can be read as
    /// (`H::ref_from_bytes(&frame)`).
    ///
    /// # Panics
    /// If `H` is zero-sized.
    pub fn of<H: FromBytes + KnownLayout + Immutable>() -> Self {
        Self::new(size_of::<H>())
    }

    /// The size of every frame, in bytes.
    pub fn frame_length(&self) -> usize {
        self.len
    }
}

impl FrameDecoder for FixedLength {
    /// # Errors
    /// [`ErrorKind::LengthOverLimit`](crate::ErrorKind::LengthOverLimit)
    /// at once when the frame length is over a limit set with
    /// [`FrameDecoder::lower_limit`].
    #[inline]
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        if self.len > self.max {
            return Err(util::over_limit(self.len as u64, self.max, Some(0)));
        }
        Ok(util::frame_span(src, 0, self.len))
    }

    fn lower_limit(&mut self, max: usize) {
        self.max = self.max.min(max);
    }

    /// # Errors
    /// [`ErrorKind::Truncated`] when the input ends inside a frame, with
    /// the frame length as the expected size.
    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        match self.decode_span(src)? {
            Some(span) => Ok(Some(span)),
            None => util::eof_after(State::Data(self.len), src),
        }
    }

    fn needed(&self) -> Option<usize> {
        Some(self.len)
    }
}

impl FrameEncoder for FixedLength {
    fn head_len(&self) -> Option<usize> {
        Some(0)
    }

    /// Writes nothing: the frame is the payload.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidHeader`] when the payload is not exactly the
    /// frame length (too short or too long alike), since the frame size is
    /// all the framing there is.
    fn encode_head(&mut self, payload: &[u8], _dst: &mut BytesMut) -> Result<()> {
        if payload.len() != self.len {
            return Err(Error::without_offset(ErrorKind::InvalidHeader(
                "payload size differs from the fixed frame length",
            )));
        }
        Ok(())
    }
}
