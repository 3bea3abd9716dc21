//! Header-described framing: a fixed-size zerocopy header whose fields give
//! the length of the body after it.

use std::fmt;
use std::marker::PhantomData;

use bytes::BytesMut;
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

use super::util::{self, HeaderThenBody, State};
use super::{DEFAULT_LIMIT, FrameDecoder, FrameEncoder, Span};
use crate::error::{Error, ErrorKind, Result};

/// Frames that start with a fixed header `H` from which a function reads
/// the length of the body that follows: the shape of most real binary
/// protocols.
///
/// ```text
/// +------------------------+-------------------------+
/// | header: size_of::<H>() | body: body_len(&header) |
/// +------------------------+-------------------------+
/// ```
///
/// The decoded frame is header and body together, so the header can be
/// read in place with `H::ref_from_prefix(&frame)`, which also hands back
/// the body. The encoder writes the payload unchanged after checking that
/// it starts with a header whose length agrees with the rest. A frame
/// longer than [`with_limit`](Self::with_limit) (16 MiB by
/// default, header included) is refused before anything is reserved.
///
/// When the length is one field at a fixed offset of the header
/// (memcached, STUN), [`LengthField`](super::LengthField) also writes it,
/// and the message type needs neither the length nor a zerocopy twin of
/// its header.
///
/// # Examples
///
/// A header of a message kind and a body length:
///
/// ```text
/// INPUT:  00 07 00 00 00 02 'h' 'i'
/// FRAMES: Header { kind: 7, len: 2 } + "hi"
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, HeaderDescribed};
/// use zerocopy::network_endian::{U16, U32};
/// use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};
///
/// #[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
/// #[repr(C)]
/// struct Header {
///     kind: U16,
///     len: U32,
/// }
///
/// let mut codec = HeaderDescribed::new(|h: &Header| u64::from(h.len.get()));
/// let mut wire = BytesMut::new();
/// codec.encode(&[0, 7, 0, 0, 0, 2, b'h', b'i'], &mut wire)?;
/// assert_eq!(wire, [0, 7, 0, 0, 0, 2, b'h', b'i'][..]);
///
/// let frame = codec.decode(&mut wire)?.unwrap();
/// let (header, body) = Header::ref_from_prefix(&frame).unwrap();
/// assert_eq!(header.kind.get(), 7);
/// assert_eq!(body, b"hi");
/// # Ok::<(), netwire::Error>(())
/// ```
pub struct HeaderDescribed<H> {
    body_len: fn(&H) -> u64,
    limit: usize,
    state: State,
    header: PhantomData<fn() -> H>,
}

impl<H> HeaderDescribed<H>
where
    H: FromBytes + KnownLayout + Immutable + Unaligned,
{
    /// Frames made of a header `H` and a body of `body_len(&header)`
    /// bytes.
    ///
    /// # Panics
    /// If `H` is zero-sized: an empty header could describe empty frames
    /// that come out of any input endlessly.
    pub fn new(body_len: fn(&H) -> u64) -> Self {
        assert!(size_of::<H>() > 0, "a frame header cannot be zero-sized");
        HeaderDescribed {
            body_len,
            limit: DEFAULT_LIMIT,
            state: State::Head,
            header: PhantomData,
        }
    }

    util::limit_methods!("frame (header included)");

    /// The total size of the frame starting at `frame`, once its header has
    /// arrived.
    fn frame_len(&self, frame: &[u8]) -> Result<Option<usize>> {
        let Some(head) = frame.get(..size_of::<H>()) else {
            return Ok(None);
        };
        let header = H::ref_from_bytes(head)
            .map_err(|_| Error::new(ErrorKind::InvalidHeader("header does not fit its type"), 0))?;
        let total = (self.body_len)(header).saturating_add(size_of::<H>() as u64);
        util::check_limit(total, self.limit, 0).map(Some)
    }
}

impl<H> Clone for HeaderDescribed<H> {
    fn clone(&self) -> Self {
        HeaderDescribed {
            body_len: self.body_len,
            limit: self.limit,
            state: self.state,
            header: PhantomData,
        }
    }
}

impl<H> fmt::Debug for HeaderDescribed<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderDescribed")
            .field("header", &std::any::type_name::<H>())
            .field("header_len", &size_of::<H>())
            .field("limit", &self.limit)
            .field("state", &self.state)
            .finish()
    }
}

impl<H> HeaderThenBody for HeaderDescribed<H>
where
    H: FromBytes + KnownLayout + Immutable + Unaligned,
{
    /// The header is part of the payload.
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

impl<H> FrameDecoder for HeaderDescribed<H>
where
    H: FromBytes + KnownLayout + Immutable + Unaligned,
{
    fn lower_limit(&mut self, max: usize) {
        self.limit = self.limit.min(max);
    }

    /// # Errors
    /// [`ErrorKind::LengthOverLimit`] at offset 0 when the header describes
    /// a frame longer than the maximum.
    #[inline]
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body(src)
    }

    /// # Errors
    /// As [`decode_span`](Self::decode_span), and [`ErrorKind::Truncated`]
    /// when the input ends inside a frame, with its size once the header is
    /// in.
    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.header_then_body_eof(src)
    }

    fn needed(&self) -> Option<usize> {
        self.state.needed()
    }
}

impl<H> FrameEncoder for HeaderDescribed<H>
where
    H: FromBytes + KnownLayout + Immutable + Unaligned,
{
    fn head_len(&self) -> Option<usize> {
        Some(0)
    }

    /// Checks that the payload is a header and the body it describes;
    /// writes nothing.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidHeader`] when the payload is shorter than the
    /// header or its length disagrees with the body's,
    /// [`ErrorKind::LengthOverLimit`] when it is longer than the maximum.
    fn encode_head(&mut self, payload: &[u8], _dst: &mut BytesMut) -> Result<()> {
        match self.frame_len(payload)? {
            None => Err(Error::without_offset(ErrorKind::InvalidHeader(
                "payload shorter than the header",
            ))),
            Some(len) if len != payload.len() => Err(Error::without_offset(
                ErrorKind::InvalidHeader("header length disagrees with the body"),
            )),
            Some(_) => Ok(()),
        }
    }
}
