//! Framing: where one message's bytes start and end, without any I/O.
//!
//! A framing strategy works on a [`BytesMut`] buffer: [`FrameDecoder::decode`]
//! splits the next complete frame off its front (or says it needs more
//! bytes), [`FrameEncoder`] writes a frame around a payload. Frames come out
//! as [`Bytes`] sharing the buffer's memory, not copies.
//!
//! | Strategy | Constructor | Frame on the wire | Decoded frame |
//! |---|---|---|---|
//! | [`FixedLength`] | `FixedLength::new(n)`, `FixedLength::of::<H>()` | `\| payload: n bytes \|` | payload |
//! | [`Delimited`] | `Delimited::new(b"\r\n")`, `::lines()`, `::nul()` | `\| payload \| delimiter \|` | payload |
//! | [`LengthPrefixed`] | `LengthPrefixed::u8()` .. `::u64()` | `\| len: uN BE \| payload \|` | payload |
//! | [`AsciiLength`] | `AsciiLength::digits(5)` | `\| "00042" \| payload: 42 bytes \|` | payload |
//! | [`UntilClose`] | `UntilClose::new()` | `\| payload \| EOF` | payload |
//! | [`ByType`] | `ByType::new().fixed(t, n).prefixed(t, w)`, `ByType::with(f)` | `\| type: u8 \| (len: w bytes BE) \| rest \|` | whole frame |
//! | [`HeaderDescribed`] | `HeaderDescribed::new(\|h: &H\| len)` | `\| header: H \| body \|` | whole frame |
//!
//! Every strategy but [`FixedLength`] has a `max_frame_length` setter
//! (default [`DEFAULT_MAX_FRAME_LENGTH`], 16 MiB) bounding the frames
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

use bytes::{Bytes, BytesMut};

use crate::error::{Error, ErrorKind, Result};

mod ascii_length;
mod by_type;
mod delimited;
mod fixed;
mod header;
mod length_prefixed;
mod until_close;
mod util;

pub use ascii_length::AsciiLength;
pub use by_type::{ByType, Rule};
pub use delimited::Delimited;
pub use fixed::FixedLength;
pub use header::HeaderDescribed;
pub use length_prefixed::LengthPrefixed;
pub use until_close::UntilClose;

/// The default largest frame the strategies accept: 16 MiB (`1 << 24`),
/// the same bound the `net` and `ascii` formats put on one message.
pub const DEFAULT_MAX_FRAME_LENGTH: usize = 1 << 24;

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
/// - Every `Ok(Some(_))` removes at least one byte from `src` (an empty
///   payload still consumes its header or delimiter), so a caller that
///   decodes until `Ok(None)` always stops.
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
