//! Self-delimiting messages: no frame at all.
//!
//! Some encodings can tell where a message ends by decoding it: a `net`
//! message of a given type has a length that follows from its fields and
//! their length prefixes. A self-delimited stream is just encoded messages
//! back to back:
//!
//! ```text
//! +-----------+-----------+-----------+
//! | message 1 | message 2 | message 3 |   no header, no delimiter
//! +-----------+-----------+-----------+
//! ```
//!
//! Finding the end costs more than with a frame, in one of two ways:
//!
//! - An encoding that can find a message's end without knowing its type
//!   ([`Encoding::scan`]; `ascii` does: the first line end outside string
//!   bodies) is scanned as bytes arrive, resuming where the last scan
//!   stopped, and each message is decoded once, when all of it is there.
//!   The work is linear in the message, whatever the reads, and nothing of
//!   the value is built before its last byte arrives. A malformed message
//!   is reported once its line end (or the end of the stream) arrives.
//! - Otherwise (`net`: a message's length follows only from its type) the
//!   end is only known once the decoder has run to it, so a message that
//!   arrives in pieces is decoded again from its start each time more
//!   bytes come in. [`SelfDelimited`] keeps that cost down with the
//!   decoder's own hint ([`Error::needed`]): after an incomplete attempt it
//!   does not try again until the buffer holds at least that many bytes.
//!
//! # Cost bound
//! With a scan, `O(L)` for a message of `L` bytes. Without one, an attempt
//! costs at most the bytes buffered. Attempts happen only when new bytes
//! have arrived *and* the buffer has reached the last hint, so a message
//! costs at most `L × min(reads, hints)`, where `reads` is the number of
//! reads that delivered its bytes and `hints` the number of points where
//! the decoder can stop and say how much it needs. With reads of several
//! KiB that is a handful of passes; `net` knows the full size of every
//! string, byte string and fixed-size field once their prefix is in, so a
//! 10 KB blob trickling in one byte per read costs about three attempts.
//!
//! `L` is capped by the encoding's
//! [`Encoding::limit`](crate::Encoding::limit): a buffer that reaches the
//! limit without holding a whole message is an error
//! ([`ErrorKind::LengthOverLimit`]), not a reason to keep reading. For
//! untrusted peers, prefer a framed stream (the frame's length is checked
//! once, and the message is decoded once) or a small limit.
//!
//! Waiting for *more* than the hint (say, until the buffer doubles) would make
//! the work linear but can deadlock a request/response protocol whose peer
//! sends one message and then waits for the answer, so it is not done.

use bytes::BytesMut;
use serde::Deserialize;

use crate::encoding::{Encoding, Scan};
use crate::error::{Error, ErrorKind, Result};
use crate::frame::FrameEncoder;

/// The "no framing" strategy: messages follow each other and the encoding
/// finds where each one ends.
///
/// As a [`FrameEncoder`] it writes payloads as they are (no head, no tail).
/// For reading, [`SelfDelimited::decode`] is the sans-IO core;
/// [`MessageReader`](crate::stream::MessageReader) uses it when given a
/// `SelfDelimited` instead of a [`FrameDecoder`](crate::frame::FrameDecoder).
///
/// ```
/// use netwire::frame::SelfDelimited;
/// use netwire::net;
///
/// let config = net::Config::default();
/// let mut core = SelfDelimited::new();
/// // A (u8, u16) message is 3 bytes; the 4th belongs to the next message.
/// let input = [1, 0, 2, 9];
/// assert_eq!(core.decode::<(u8, u16), _>(&config, &input)?, Some(((1, 2), 3)));
/// // Only 2 of 3 bytes: need more (and no new attempt before 3 are there).
/// assert_eq!(core.decode::<(u8, u16), _>(&config, &input[..2])?, None);
/// assert_eq!(core.decode::<(u8, u16), _>(&config, &input[..3])?, Some(((1, 2), 3)));
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct SelfDelimited {
    /// Do not attempt a decode before the input holds this many bytes.
    wait_for: usize,
    /// Where the encoding's [`Encoding::scan`] continues.
    resume: usize,
}

impl SelfDelimited {
    /// A self-delimited "framing".
    pub fn new() -> Self {
        SelfDelimited {
            wait_for: 0,
            resume: 0,
        }
    }

    /// Decodes one message from the front of `input`.
    ///
    /// Returns `Ok(Some((value, used)))` with the number of bytes the message
    /// took, or `Ok(None)` when `input` holds only the start of a message. In
    /// the latter case the caller appends more bytes (keeping the ones it
    /// has) and calls again with the whole buffer; calls that cannot succeed
    /// because fewer than [`Error::needed`] bytes are available return
    /// `Ok(None)` without decoding.
    ///
    /// # Errors
    /// Any decoding error other than "unexpected end" is returned as is
    /// (offsets relative to `input`). An incomplete message that would need
    /// more than the encoding's limit is [`ErrorKind::LengthOverLimit`].
    #[inline]
    pub fn decode<'de, T, E>(
        &mut self,
        encoding: &E,
        input: &'de [u8],
    ) -> Result<Option<(T, usize)>>
    where
        T: Deserialize<'de>,
        E: Encoding + ?Sized,
    {
        if input.is_empty() || input.len() < self.wait_for {
            return Ok(None);
        }
        let limit = encoding.limit();
        let within = input.get(..limit).unwrap_or(input);
        if let Scan::Partial { resume } = encoding.scan(within, self.resume) {
            return self.partial(resume, input.len(), limit);
        }
        match self.attempt(encoding, input) {
            Ok(found) => Ok(Some(found)),
            Err(err) => self.incomplete(err, input.len(), limit),
        }
    }

    /// After a scan found no end in the first `limit` bytes of `have`:
    /// wait for more, or fail when those are all the limit allows.
    fn partial<T>(&mut self, resume: usize, have: usize, limit: usize) -> Result<Option<T>> {
        if have >= limit {
            self.resume = 0;
            self.wait_for = 0;
            return Err(Error::new(
                ErrorKind::LengthOverLimit {
                    len: (limit as u64).saturating_add(1),
                    limit: limit as u64,
                },
                0,
            ));
        }
        self.resume = resume;
        self.wait_for = have.saturating_add(1);
        Ok(None)
    }

    /// One decode attempt on the whole of `input`: the message and the
    /// bytes it took, or the error. Whatever the outcome, the wait from an
    /// earlier attempt is over.
    #[inline]
    fn attempt<'de, T, E>(&mut self, encoding: &E, input: &'de [u8]) -> Result<(T, usize)>
    where
        T: Deserialize<'de>,
        E: Encoding + ?Sized,
    {
        self.wait_for = 0;
        self.resume = 0;
        let (value, used) = encoding.decode_prefix::<T>(input)?;
        Ok((value, used.min(input.len())))
    }

    /// After a failed attempt on `have` bytes: "need more" (remembering how
    /// many) for an unexpected end within the limit, an error otherwise.
    #[cold]
    #[inline(never)]
    fn incomplete<T>(&mut self, err: Error, have: usize, limit: usize) -> Result<Option<T>> {
        if !err.is_eof() {
            return Err(err);
        }
        // The hint is a total input length; without one, at least one more
        // byte is needed.
        let needed = err
            .needed()
            .unwrap_or(0)
            .max((have as u64).saturating_add(1));
        if needed > limit as u64 {
            return Err(Error::new(
                ErrorKind::LengthOverLimit {
                    len: needed,
                    limit: limit as u64,
                },
                0,
            ));
        }
        // needed <= limit <= usize::MAX, so the cast is exact.
        self.wait_for = needed as usize;
        Ok(None)
    }

    /// Called once the input has ended: `Ok(None)` when `input` is empty (a
    /// clean end between messages), otherwise a last decode attempt and then
    /// [`ErrorKind::Truncated`] with the number of bytes that arrived.
    ///
    /// # Errors
    /// As [`SelfDelimited::decode`], plus [`ErrorKind::Truncated`].
    pub fn decode_eof<'de, T, E>(
        &mut self,
        encoding: &E,
        input: &'de [u8],
    ) -> Result<Option<(T, usize)>>
    where
        T: Deserialize<'de>,
        E: Encoding + ?Sized,
    {
        if input.is_empty() {
            return Ok(None);
        }
        if input.len() >= self.wait_for {
            match self.attempt(encoding, input) {
                Ok(found) => return Ok(Some(found)),
                Err(err) if !err.is_eof() => return Err(err),
                Err(_) => {}
            }
        }
        self.wait_for = 0;
        self.resume = 0;
        Err(Error::new(
            ErrorKind::Truncated {
                received: input.len() as u64,
                expected: None,
            },
            0,
        ))
    }
}

/// Writes each payload as it is: the message is its own frame.
impl FrameEncoder for SelfDelimited {
    fn encode_head(&mut self, _payload: &[u8], _dst: &mut BytesMut) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net;

    #[test]
    fn waits_for_the_hint_before_trying_again() {
        let config = net::Config::default();
        // A string of 5 bytes: u32 length + 5 bytes.
        let wire = net::to_vec("hello").unwrap();
        let mut core = SelfDelimited::new();
        assert_eq!(core.decode::<String, _>(&config, &wire[..4]).unwrap(), None);
        // The length header said 9 bytes in all.
        assert_eq!(core.wait_for, 9);
        assert_eq!(core.decode::<String, _>(&config, &wire[..8]).unwrap(), None);
        let (s, used) = core.decode::<String, _>(&config, &wire).unwrap().unwrap();
        assert_eq!((s.as_str(), used), ("hello", 9));
        assert_eq!(core.wait_for, 0);
    }

    #[test]
    fn a_message_that_cannot_fit_the_limit_is_refused_early() {
        let config = net::Config::default().with_limit(16);
        let wire = net::to_vec(&"x".repeat(100)).unwrap();
        let mut core = SelfDelimited::new();
        let err = core.decode::<String, _>(&config, &wire[..4]).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::LengthOverLimit { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn eof_is_clean_only_between_messages() {
        let config = net::Config::default();
        let mut core = SelfDelimited::new();
        assert_eq!(core.decode_eof::<u32, _>(&config, &[]).unwrap(), None);
        assert_eq!(
            core.decode_eof::<u32, _>(&config, &[0, 0, 0, 7]).unwrap(),
            Some((7, 4))
        );
        let err = core.decode_eof::<u32, _>(&config, &[0, 0]).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::Truncated {
                received: 2,
                expected: None
            }
        );
        assert_eq!(err.offset(), Some(0));
    }

    #[test]
    fn other_errors_pass_through() {
        let config = net::Config::default();
        let mut core = SelfDelimited::new();
        let err = core.decode::<bool, _>(&config, &[9]).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidBool(9));
    }

    #[test]
    fn writes_payloads_unchanged() {
        let mut dst = BytesMut::new();
        SelfDelimited::new().encode(b"abc", &mut dst).unwrap();
        assert_eq!(&dst[..], b"abc");
    }
}
