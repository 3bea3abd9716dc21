//! [`MessageFraming`]: what a message decoder can find messages with.

use std::ops::Range;

use serde::Deserialize;

use super::SelfDelimited;
use crate::encoding::Encoding;
use crate::error::{Error, ErrorKind, Result};
use crate::frame::{self, FrameDecoder, Span};

mod sealed {
    pub trait Sealed {}
}

/// A way to find where each message ends: every [`FrameDecoder`] (the
/// frame says), and [`SelfDelimited`] (the encoding says, by scanning or
/// decoding).
///
/// This trait is sealed; it exists so [`MessageDecoder`](super::MessageDecoder)
/// and everything built on it accept both kinds with one set of methods.
pub trait MessageFraming: sealed::Sealed {
    /// Decodes the next message at the front of `src`; `eof` is set once
    /// the input has ended. Returns the result (`Ok(None)` when more bytes
    /// are needed; with `eof`, only when `src` is empty, leftover bytes
    /// being an error) and how many bytes of `src` the message took, which
    /// are consumed even when the message itself fails to decode. Error
    /// offsets are relative to `src`.
    #[doc(hidden)]
    fn decode_message<'de, T, E>(
        &mut self,
        encoding: &E,
        src: &'de [u8],
        eof: bool,
    ) -> (Result<Option<T>>, usize)
    where
        T: Deserialize<'de>,
        E: Encoding + ?Sized;

    /// After `Ok(None)`: the size of the message in progress, counted from
    /// the start of the input, when known; only used to size buffers.
    #[doc(hidden)]
    fn needed_hint(&self) -> Option<usize>;

    /// Fits the framing to `encoding` before the first message: a frame
    /// may be no larger than the encoding's limit. Returns the most bytes
    /// worth buffering for one message, if the framing itself sets no
    /// bound.
    #[doc(hidden)]
    fn prepare<E: Encoding + ?Sized>(&mut self, encoding: &E) -> Option<usize>;
}

/// The next complete frame's span at the front of `src`, checked to fit;
/// once the input has ended (`eof`), bytes that make no whole frame are
/// [`ErrorKind::Truncated`]. Offsets are relative to `src`.
#[inline]
pub(crate) fn next_span<F: FrameDecoder + ?Sized>(
    framing: &mut F,
    src: &[u8],
    eof: bool,
) -> Result<Option<Span>> {
    let span = if eof {
        framing.decode_span_eof(src)?
    } else {
        framing.decode_span(src)?
    };
    match span {
        Some(span) if !span.fits(src.len()) => Err(frame::bad_span()),
        None if eof && !src.is_empty() => Err(truncated(src.len())),
        other => Ok(other),
    }
}

/// Bytes at the end of the input that make no whole message.
#[cold]
fn truncated(received: usize) -> Error {
    Error::new(
        ErrorKind::Truncated {
            received: received as u64,
            expected: None,
        },
        0,
    )
}

/// Decodes the message in a complete frame's payload. The frame has been
/// consumed, so a payload that ends inside the message is
/// [`ErrorKind::ShortFrame`]: unlike [`ErrorKind::UnexpectedEnd`], more
/// bytes cannot help. Offsets are relative to the payload.
#[inline]
pub(crate) fn decode_payload<'de, T, E>(encoding: &E, payload: &'de [u8]) -> Result<T>
where
    T: Deserialize<'de>,
    E: Encoding + ?Sized,
{
    #[cfg(test)]
    crate::cost::attempt(payload.len());
    encoding
        .decode::<T>(payload)
        .map_err(|err| short_frame(err, payload.len()))
}

/// Decodes the message of the frame `span` found at the front of `src`,
/// leaving out the `gap` inside its payload (see [`FrameDecoder::gap`]):
/// the frame is consumed whether the message is valid or not, so a bad
/// message does not desynchronise the stream. Offsets are relative to
/// `src`.
#[inline]
pub(crate) fn decode_frame<'de, T, E>(
    encoding: &E,
    src: &'de [u8],
    span: &Span,
    gap: Option<Range<usize>>,
) -> (Result<T>, usize)
where
    T: Deserialize<'de>,
    E: Encoding + ?Sized,
{
    let payload = src.get(span.payload.clone()).unwrap_or_default();
    let base = span.payload.start as u64;
    let result = match gap {
        None => decode_payload::<T, E>(encoding, payload).map_err(|err| err.at_base(base)),
        Some(gap) => decode_around::<T, E>(encoding, payload, gap, base),
    };
    (result, span.len)
}

/// Decodes the message in `payload` less the bytes in `gap`; offsets
/// after the gap are moved past it, then all by `base`.
#[cold]
fn decode_around<'de, T, E>(
    encoding: &E,
    payload: &'de [u8],
    gap: Range<usize>,
    base: u64,
) -> Result<T>
where
    T: Deserialize<'de>,
    E: Encoding + ?Sized,
{
    let (Some(front), Some(back)) = (payload.get(..gap.start), payload.get(gap.end..)) else {
        return Err(frame::bad_span());
    };
    if gap.start > gap.end {
        return Err(frame::bad_span());
    }
    let len = front.len() + back.len();
    #[cfg(test)]
    crate::cost::attempt(len);
    encoding
        .decode_split::<T>(front, back)
        .map_err(|err| short_frame(err, len))
        .map_err(|err| {
            let after = err.offset().is_some_and(|at| at >= front.len() as u64);
            let shift = if after { gap.len() as u64 } else { 0 };
            err.at_base(base + shift)
        })
}

#[cold]
fn short_frame(err: Error, len: usize) -> Error {
    if !err.is_eof() {
        return err;
    }
    let kind = ErrorKind::ShortFrame {
        len: len as u64,
        needed: err.needed(),
    };
    match err.offset() {
        Some(at) => Error::new(kind, at),
        None => Error::without_offset(kind),
    }
}

impl<F: FrameDecoder> sealed::Sealed for F {}

impl<F: FrameDecoder> MessageFraming for F {
    #[inline]
    fn decode_message<'de, T, E>(
        &mut self,
        encoding: &E,
        src: &'de [u8],
        eof: bool,
    ) -> (Result<Option<T>>, usize)
    where
        T: Deserialize<'de>,
        E: Encoding + ?Sized,
    {
        match next_span(self, src, eof) {
            Ok(Some(span)) => {
                let (result, used) = decode_frame(encoding, src, &span, self.gap());
                (result.map(Some), used)
            }
            Ok(None) => (Ok(None), 0),
            Err(err) => (Err(err), 0),
        }
    }

    fn needed_hint(&self) -> Option<usize> {
        self.needed()
    }

    fn prepare<E: Encoding + ?Sized>(&mut self, encoding: &E) -> Option<usize> {
        self.lower_limit(encoding.limit());
        None
    }
}

impl sealed::Sealed for SelfDelimited {}

impl MessageFraming for SelfDelimited {
    #[inline]
    fn decode_message<'de, T, E>(
        &mut self,
        encoding: &E,
        src: &'de [u8],
        eof: bool,
    ) -> (Result<Option<T>>, usize)
    where
        T: Deserialize<'de>,
        E: Encoding + ?Sized,
    {
        let step = if eof {
            self.decode_eof::<T, E>(encoding, src)
        } else {
            self.decode::<T, E>(encoding, src)
        };
        match step {
            Ok(Some((value, used))) => (Ok(Some(value)), used),
            Ok(None) => (Ok(None), 0),
            Err(err) => (Err(err), 0),
        }
    }

    fn needed_hint(&self) -> Option<usize> {
        None
    }

    /// A message that has not ended within the limit is an error.
    fn prepare<E: Encoding + ?Sized>(&mut self, encoding: &E) -> Option<usize> {
        Some(encoding.limit())
    }
}
