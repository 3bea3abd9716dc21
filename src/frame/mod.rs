//! Framing: where one message's bytes start and end, without any I/O.
//!
//! A framing strategy works on a [`BytesMut`] buffer: [`FrameDecoder::decode`]
//! splits the next complete frame off its front (or says it needs more
//! bytes), [`FrameEncoder`] writes a frame around a payload.

use bytes::{Bytes, BytesMut};

use crate::error::{Error, ErrorKind, Result};

/// Splits frames off the front of a byte buffer.
///
/// # Implementer notes
/// - `Ok(None)` means "need more bytes". The decoder may keep state between
///   calls (a parsed header, how far it has scanned) but must leave every
///   byte it has not returned as part of a frame in `src`.
/// - A declared length over the configured maximum is an error
///   ([`ErrorKind::LengthOverLimit`]) raised *before* any reservation.
/// - Offsets in errors are relative to the start of `src`; the stream
///   adapters shift them to stream positions.
pub trait FrameDecoder {
    /// Splits the next complete frame's payload off the front of `src`, or
    /// returns `Ok(None)` when `src` does not yet hold a whole frame.
    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>>;

    /// Called once the input has ended. The default decodes one more frame
    /// and reports leftover bytes as [`ErrorKind::Truncated`].
    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
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

    /// Appends the bytes that go after `payload` (a delimiter, ...).
    fn encode_tail(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        let _ = (payload, dst);
        Ok(())
    }

    /// Appends a whole frame carrying `payload` to `dst`.
    fn encode(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        self.encode_head(payload, dst)?;
        dst.extend_from_slice(payload);
        self.encode_tail(payload, dst)
    }
}

mod self_delimited;
pub use self_delimited::SelfDelimited;
