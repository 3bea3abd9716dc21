//! [`MessageFraming`]: what a [`MessageReader`](super::MessageReader) can
//! find messages with.

use bytes::BytesMut;
use serde::de::DeserializeOwned;

use crate::encoding::Encoding;
use crate::error::Result;
use crate::frame::{FrameDecoder, SelfDelimited};

use super::reader::payload_offset;

mod sealed {
    pub trait Sealed {}
}

/// A way to find where each message ends: every
/// [`FrameDecoder`] (the frame says), and [`SelfDelimited`] (the encoding
/// says, by decoding).
///
/// This trait is sealed; it exists so [`MessageReader`](super::MessageReader)
/// and the `tokio` codec accept both kinds with one set of methods.
pub trait MessageFraming: sealed::Sealed {
    /// Decodes the next message off the front of `src`, or `Ok(None)` when
    /// more bytes are needed; `eof` is set once the input has ended. Error
    /// offsets are relative to `src`.
    #[doc(hidden)]
    fn decode_message<T, E>(
        &mut self,
        encoding: &E,
        src: &mut BytesMut,
        eof: bool,
    ) -> Result<Option<T>>
    where
        T: DeserializeOwned,
        E: Encoding + ?Sized;
}

impl<F: FrameDecoder> sealed::Sealed for F {}

impl<F: FrameDecoder> MessageFraming for F {
    #[inline]
    fn decode_message<T, E>(
        &mut self,
        encoding: &E,
        src: &mut BytesMut,
        eof: bool,
    ) -> Result<Option<T>>
    where
        T: DeserializeOwned,
        E: Encoding + ?Sized,
    {
        let (start, len) = (src.as_ptr() as usize, src.len());
        let frame = if eof {
            self.decode_eof(src)?
        } else {
            self.decode(src)?
        };
        match frame {
            None => Ok(None),
            Some(frame) => match encoding.decode::<T>(&frame) {
                Ok(value) => Ok(Some(value)),
                Err(err) => Err(err.at_base(payload_offset(start, len, &frame) as u64)),
            },
        }
    }
}

impl sealed::Sealed for SelfDelimited {}

impl MessageFraming for SelfDelimited {
    #[inline]
    fn decode_message<T, E>(
        &mut self,
        encoding: &E,
        src: &mut BytesMut,
        eof: bool,
    ) -> Result<Option<T>>
    where
        T: DeserializeOwned,
        E: Encoding + ?Sized,
    {
        self.decode_buf(encoding, src, eof)
    }
}
