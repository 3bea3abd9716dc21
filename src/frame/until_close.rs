//! Until-close framing: the whole stream is one message.

use bytes::BytesMut;

use super::util;
use super::{DEFAULT_LIMIT, FrameDecoder, FrameEncoder, Span};
use crate::error::Result;

/// One message per stream, ended by the end of the stream: the socket
/// HOWTO's HTTP/1.0-style request, sent and followed by
/// `shutdown(Write)`.
///
/// ```text
/// +-----------------------------------+-----+
/// | payload: every byte of the stream | EOF |
/// +-----------------------------------+-----+
/// ```
///
/// [`decode`](FrameDecoder::decode) never yields a frame: it only checks
/// that the bytes gathered so far stay within
/// [`with_limit`](Self::with_limit) (16 MiB by default).
/// [`decode_eof`](FrameDecoder::decode_eof) yields everything, once. A
/// stream that ends before any byte arrives carries no message
/// (`Ok(None)`), so an empty payload cannot be told apart from no message
/// at all. The encoder writes the payload unchanged; the sender must close
/// its writing side after it.
///
/// # Examples
///
/// ```text
/// INPUT:  "GET / HTTP/1.0\r\n\r\n" EOF
/// FRAMES: "GET / HTTP/1.0\r\n\r\n"
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{FrameDecoder, FrameEncoder, UntilClose};
///
/// let mut codec = UntilClose::new();
/// let mut wire = BytesMut::new();
/// codec.encode(b"GET / HTTP/1.0\r\n\r\n", &mut wire)?;
/// assert_eq!(wire, b"GET / HTTP/1.0\r\n\r\n"[..]);
///
/// assert_eq!(codec.decode(&mut wire)?, None); // the stream is still open
/// let request = codec.decode_eof(&mut wire)?.unwrap();
/// assert_eq!(request, &b"GET / HTTP/1.0\r\n\r\n"[..]);
/// assert_eq!(codec.decode_eof(&mut wire)?, None);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// With a limit, a stream that goes on too long is refused while it is
/// still arriving:
///
/// ```
/// use bytes::BytesMut;
/// use netwire::ErrorKind;
/// use netwire::frame::{FrameDecoder, UntilClose};
///
/// let mut codec = UntilClose::new().with_limit(4);
/// let mut wire = BytesMut::from(&b"abcd"[..]);
/// assert_eq!(codec.decode(&mut wire)?, None);
/// wire.extend_from_slice(b"e");
/// let err = codec.decode(&mut wire).unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 5, limit: 4 });
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct UntilClose {
    limit: usize,
}

impl UntilClose {
    /// One message per stream, at most [`DEFAULT_LIMIT`] bytes.
    pub fn new() -> Self {
        UntilClose {
            limit: DEFAULT_LIMIT,
        }
    }

    util::limit_methods!("message");

    fn check(&self, src: &[u8]) -> Result<()> {
        util::check_limit(src.len() as u64, self.limit, 0).map(drop)
    }
}

impl Default for UntilClose {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameDecoder for UntilClose {
    fn lower_limit(&mut self, max: usize) {
        self.limit = self.limit.min(max);
    }

    /// Always `Ok(None)` while the stream is open.
    ///
    /// # Errors
    /// [`ErrorKind::LengthOverLimit`](crate::ErrorKind::LengthOverLimit)
    /// once more than the maximum has arrived.
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.check(src)?;
        Ok(None)
    }

    /// The whole input as one frame, or `Ok(None)` when it is empty.
    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        self.check(src)?;
        if src.is_empty() {
            return Ok(None);
        }
        Ok(Some(Span::new(0..src.len(), src.len())))
    }
}

impl FrameEncoder for UntilClose {
    fn head_len(&self) -> Option<usize> {
        Some(0)
    }

    /// Writes nothing: the frame is the payload.
    ///
    /// # Errors
    /// [`ErrorKind::LengthOverLimit`](crate::ErrorKind::LengthOverLimit)
    /// when the payload is longer than the maximum;
    /// [`ErrorKind::EmptyMessage`](crate::ErrorKind::EmptyMessage) for an
    /// empty payload, which a reader could not tell from no message.
    fn encode_head(&mut self, payload: &[u8], _dst: &mut BytesMut) -> Result<()> {
        if payload.is_empty() {
            return Err(crate::Error::without_offset(crate::ErrorKind::EmptyMessage));
        }
        util::check_payload(payload, self.limit)
    }
}
