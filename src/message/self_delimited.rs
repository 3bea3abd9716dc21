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
//! Finding the end costs more than with a frame. [`SelfDelimited::new`]
//! takes an encoding that can find a message's end without knowing its
//! type ([`Encoding::scan`]; `ascii` does: the first line end outside
//! string bodies). The scan runs as bytes arrive, resuming where it
//! stopped, and each message is decoded once, when all of it is there:
//! the work is linear in the message, whatever the reads, and nothing of
//! the value is built before its last byte arrives. A malformed message is
//! reported once its line end (or the end of the stream) arrives.
//!
//! An encoding that cannot scan (`net`: a message's length follows only
//! from its type) is refused by [`SelfDelimited::new`] with
//! [`ErrorKind::Unsupported`] at the first message. Its end is only known
//! once the decoder has run to it, so a message that arrives in pieces is
//! decoded again from its start each time more bytes come in. That is what
//! [`SelfDelimited::retrying`] does, when asked for by name.
//!
//! # Cost bound
//! With a scan, `O(L)` for a message of `L` bytes. Retrying, an attempt
//! costs at most the bytes buffered, and attempts happen only when new
//! bytes have arrived *and* the buffer has reached the decoder's last hint
//! ([`Error::needed`]), so a message costs at most `L × min(reads, hints)`,
//! where `reads` is the number of reads that delivered its bytes and
//! `hints` the number of points where the decoder can stop and say how
//! much it needs. With reads of several KiB that is a handful of passes;
//! `net` knows the full size of every string, byte string and fixed-size
//! field once their prefix is in, so a 10 KB blob trickling in one byte
//! per read costs about three attempts. But a peer that sends a message of
//! many small fields one byte per read makes it quadratic: 112 KB of
//! `Vec<(u8, String)>` cost 13 s of CPU that way. There is no way around
//! it that cannot also deadlock (waiting for more than the hint stalls a
//! request/response peer that sent its whole message and waits for the
//! answer), so the retrying mode is for trusted peers and small limits;
//! frame everything else.
//!
//! `L` is capped by the encoding's
//! [`Encoding::limit`](crate::Encoding::limit): a buffer that reaches the
//! limit without holding a whole message is an error
//! ([`ErrorKind::LengthOverLimit`]), not a reason to keep reading.
//!
//! A message that occupies no bytes (`()` or an empty struct in `net`)
//! cannot be self-delimited: nothing on the wire would show it. Writing one
//! and reading one are both [`ErrorKind::EmptyMessage`].

use bytes::BytesMut;
use serde::Deserialize;

use crate::encoding::{Encoding, Scan};
use crate::error::{Error, ErrorKind, Result};
use crate::frame::{FrameEncoder, MessageEnds};

/// The "no framing" strategy: messages follow each other and the encoding
/// finds where each one ends.
///
/// As a [`FrameEncoder`] it writes payloads as they are (no head, no tail).
/// For reading, [`SelfDelimited::decode`] is the sans-IO core;
/// [`MessageReader`](crate::stream::MessageReader) uses it when given a
/// `SelfDelimited` instead of a [`FrameDecoder`](crate::frame::FrameDecoder).
///
/// ```
/// use netwire::ascii;
/// use netwire::message::SelfDelimited;
///
/// let config = ascii::Config::new();
/// let mut core = SelfDelimited::new();
/// // A (u8, u16) message is "1 2\n"; the 5th byte starts the next message.
/// let input = b"1 2\n3";
/// assert_eq!(core.decode::<(u8, u16), _>(&config, input)?, Some(((1, 2), 4)));
/// // No line end yet: need more (and nothing is decoded).
/// assert_eq!(core.decode::<(u8, u16), _>(&config, &input[..3])?, None);
/// assert_eq!(core.decode::<(u8, u16), _>(&config, &input[..4])?, Some(((1, 2), 4)));
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// `net` messages have no end mark, so they are decoded again as bytes
/// arrive; that is only done when asked for:
///
/// ```
/// use netwire::message::SelfDelimited;
/// use netwire::{ErrorKind, net};
///
/// let config = net::Config::default();
/// let input = [1, 0, 2, 9];
/// let err = SelfDelimited::new().decode::<(u8, u16), _>(&config, &input).unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::Unsupported(_)));
///
/// let mut core = SelfDelimited::retrying();
/// // A (u8, u16) message is 3 bytes; the 4th belongs to the next message.
/// assert_eq!(core.decode::<(u8, u16), _>(&config, &input)?, Some(((1, 2), 3)));
/// // Only 2 of 3 bytes: need more (and no new attempt before 3 are there).
/// assert_eq!(core.decode::<(u8, u16), _>(&config, &input[..2])?, None);
/// assert_eq!(core.decode::<(u8, u16), _>(&config, &input[..3])?, Some(((1, 2), 3)));
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// # Cost
/// With an encoding that scans, `O(L)` for a message of `L` bytes,
/// whatever the reads. Retrying, a message costs at most
/// `L × min(reads, hints)`: each attempt decodes from the message's start,
/// and one happens only when new bytes have arrived and the buffer has
/// reached the decoder's last hint ([`Error::needed`]). A string or byte
/// string trickling in one byte per read costs about three attempts, but a
/// message of many small fields sent one byte per read costs `L²`: 112 KB
/// of `Vec<(u8, String)>` took 13 s of CPU. Waiting for more than the hint
/// would bound it, but could deadlock a request/response peer that sent
/// its whole message and waits for the answer, so the retrying mode is for
/// trusted peers and small limits.
///
/// A buffer that reaches the encoding's [`Encoding::limit`] without a
/// whole message is [`ErrorKind::LengthOverLimit`]; a message of zero
/// bytes is [`ErrorKind::EmptyMessage`] when written and when read.
#[derive(Debug, Clone, Default)]
pub struct SelfDelimited {
    /// Do not attempt a decode before the input holds this many bytes.
    wait_for: usize,
    /// Where the encoding's [`Encoding::scan`] continues.
    resume: usize,
    /// The decoder's last word on the message's length, if any.
    hint: Option<u64>,
    /// Decode again as bytes arrive when the encoding cannot scan.
    retrying: bool,
}

/// Why [`SelfDelimited::new`] refuses an encoding that cannot scan.
const CANNOT_SCAN: &str = "this encoding cannot find a message's end without decoding it, \
     which a slow peer can make quadratic: frame the messages, or use \
     SelfDelimited::retrying() for a trusted peer";

/// The error of an encoding that cannot scan under [`SelfDelimited::new`],
/// for its reader and its writer alike.
#[cold]
pub(crate) fn cannot_scan() -> Error {
    Error::without_offset(ErrorKind::Unsupported(CANNOT_SCAN))
}

impl SelfDelimited {
    /// Self-delimited messages in an encoding that finds their ends by
    /// scanning ([`Encoding::scan`], such as `ascii`). Linear in the bytes
    /// received whatever the reads; an encoding that cannot scan is
    /// refused at the first message with [`ErrorKind::Unsupported`].
    pub fn new() -> Self {
        SelfDelimited {
            wait_for: 0,
            resume: 0,
            hint: None,
            retrying: false,
        }
    }

    /// Self-delimited messages in any encoding, `net` included: a message
    /// whose end cannot be scanned for is decoded again from its start as
    /// more of it arrives (see the type's [cost](Self#cost): quadratic
    /// against a peer that trickles a message of many fields). For trusted
    /// peers and small limits.
    pub fn retrying() -> Self {
        SelfDelimited {
            retrying: true,
            ..Self::new()
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
        // A message whose end the scan found is decoded from its own bytes:
        // the bytes after it may be many messages more.
        let message = match encoding.scan(within, self.resume) {
            Scan::Partial { resume } => return self.partial(resume, input.len(), limit),
            Scan::Unknown if !self.retrying => {
                return Err(cannot_scan());
            }
            Scan::Complete(end) => input.get(..end).unwrap_or(input),
            _ => input,
        };
        match self.attempt(encoding, message) {
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
        #[cfg(test)]
        crate::cost::attempt(input.len());
        let (value, used) = encoding.decode_prefix::<T>(input)?;
        if used == 0 {
            // Nothing consumed: the same message would come out forever.
            return Err(Error::new(ErrorKind::EmptyMessage, 0));
        }
        self.hint = None;
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
        self.hint = err.needed();
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
    /// [`ErrorKind::TruncatedMessage`] with the number of bytes that arrived
    /// and, when the decoder said, how many the message needs at least.
    ///
    /// # Errors
    /// As [`SelfDelimited::decode`], plus [`ErrorKind::TruncatedMessage`].
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
        let within = input.get(..encoding.limit()).unwrap_or(input);
        if !self.retrying && encoding.scan(within, self.resume) == Scan::Unknown {
            return Err(cannot_scan());
        }
        if input.len() >= self.wait_for {
            match self.attempt(encoding, input) {
                Ok(found) => return Ok(Some(found)),
                Err(err) if !err.is_eof() => return Err(err),
                Err(err) => self.hint = err.needed(),
            }
        }
        let needed = self.hint.take().filter(|&n| n > input.len() as u64);
        self.wait_for = 0;
        self.resume = 0;
        Err(Error::new(
            ErrorKind::TruncatedMessage {
                received: input.len() as u64,
                needed,
            },
            0,
        ))
    }
}

/// Writes each payload as it is: the message is its own frame.
impl FrameEncoder for SelfDelimited {
    fn head_len(&self) -> Option<usize> {
        Some(0)
    }

    /// [`MessageEnds::Decoded`] when [`SelfDelimited::retrying`],
    /// [`MessageEnds::Scanned`] otherwise: the writer refuses what this
    /// reader would refuse.
    fn message_ends(&self) -> MessageEnds {
        if self.retrying {
            MessageEnds::Decoded
        } else {
            MessageEnds::Scanned
        }
    }

    /// # Errors
    /// [`ErrorKind::EmptyMessage`] for an empty payload, which no reader
    /// could see.
    fn encode_head(&mut self, payload: &[u8], _dst: &mut BytesMut) -> Result<()> {
        if payload.is_empty() {
            return Err(Error::without_offset(ErrorKind::EmptyMessage));
        }
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
        let mut core = SelfDelimited::retrying();
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
        let mut core = SelfDelimited::retrying();
        let err = core.decode::<String, _>(&config, &wire[..4]).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::LengthOverLimit { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn eof_is_clean_only_between_messages() {
        let config = net::Config::default();
        let mut core = SelfDelimited::retrying();
        assert_eq!(core.decode_eof::<u32, _>(&config, &[]).unwrap(), None);
        assert_eq!(
            core.decode_eof::<u32, _>(&config, &[0, 0, 0, 7]).unwrap(),
            Some((7, 4))
        );
        let err = core.decode_eof::<u32, _>(&config, &[0, 0]).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::TruncatedMessage {
                received: 2,
                needed: Some(4)
            }
        );
        assert_eq!(err.offset(), Some(0));
    }

    #[test]
    fn other_errors_pass_through() {
        let config = net::Config::default();
        let mut core = SelfDelimited::retrying();
        let err = core.decode::<bool, _>(&config, &[9]).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidBool(9));
    }

    #[test]
    fn writes_payloads_unchanged() {
        let mut dst = BytesMut::new();
        SelfDelimited::new().encode(b"abc", &mut dst).unwrap();
        assert_eq!(&dst[..], b"abc");
    }

    #[test]
    fn an_empty_payload_is_refused() {
        let mut dst = BytesMut::new();
        let err = SelfDelimited::new().encode(b"", &mut dst).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::EmptyMessage);
        assert!(dst.is_empty());
    }
}
