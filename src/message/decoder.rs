//! [`MessageDecoder`]: typed messages out of bytes, with no I/O.

use std::fmt;

use bytes::{Buf, BytesMut};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::framing::{self, MessageFraming};
use crate::encoding::Encoding;
use crate::error::{Error, Result};
use crate::frame::{self, FrameDecoder, Span};
use crate::net;

/// Finds and decodes typed messages in bytes the caller holds: framing ×
/// encoding, with no I/O.
///
/// Give it the bytes received and not yet consumed, from the front;
/// [`decode`](Self::decode) returns what it found and **how many bytes at
/// the front it took**, which the caller drops before the next call. It
/// takes them also when the message in a complete frame fails to decode,
/// so one bad message does not desynchronise a framed stream. `Ok(None)`
/// takes nothing and means "more bytes needed": call again with the same
/// bytes and more after them.
///
/// The decoder owns everything a stream needs besides the bytes:
/// - **the limit**: before the first message the framing is lowered to
///   the encoding's [`limit`](Encoding::limit), so the bound of the stream
///   is the smaller of the two and a frame too large for its message is
///   refused from its header;
/// - **the position**: errors carry stream offsets (the bytes taken so far
///   plus the offset inside the input);
/// - **the end of the input**: [`decode_eof`](Self::decode_eof) tells a
///   clean end (between messages) from a truncated message.
///
/// Every I/O adapter of this crate (`std::io`, tokio, futures-io) is a loop
/// around it: read into a buffer, decode, drop what was taken.
///
/// # Example
/// ```
/// use netwire::frame::LengthPrefixed;
/// use netwire::message::MessageDecoder;
///
/// let mut decoder = MessageDecoder::new(LengthPrefixed::u8());
/// // One whole message (a u16 in a 2-byte frame) and the start of the next.
/// let mut input: Vec<u8> = vec![2, 0, 7, 2, 0];
/// let (message, used) = decoder.decode::<u16>(&input);
/// assert_eq!((message?, used), (Some(7), 3));
/// input.drain(..used);
/// // Not a whole message yet: nothing taken.
/// let (message, used) = decoder.decode::<u16>(&input);
/// assert_eq!((message?, used), (None, 0));
/// input.push(9);
/// let (message, used) = decoder.decode::<u16>(&input);
/// assert_eq!((message?, used), (Some(9), 3));
/// assert_eq!(decoder.position(), 6);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// Messages may borrow from the input (`&str`, `&[u8]` with `serde_bytes`):
/// ```
/// use netwire::frame::LengthPrefixed;
/// use netwire::message::MessageDecoder;
///
/// let input = [6, 0, 0, 0, 2, b'h', b'i'];
/// let mut decoder = MessageDecoder::new(LengthPrefixed::u8());
/// let (text, used) = decoder.decode::<&str>(&input);
/// assert_eq!((text?, used), (Some("hi"), 7));
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Clone)]
pub struct MessageDecoder<F, E = net::Config> {
    framing: F,
    encoding: E,
    /// Stream offset of the first byte of the next input.
    position: u64,
    /// The framing has been fitted to the encoding.
    prepared: bool,
    /// The most bytes worth buffering for one message, if the framing
    /// sets no bound of its own.
    buffer_limit: Option<usize>,
}

impl<F> MessageDecoder<F> {
    /// A decoder of messages in the default [`net`] encoding, framed by
    /// `framing`: a [`FrameDecoder`] or
    /// [`SelfDelimited`](super::SelfDelimited).
    pub fn new(framing: F) -> Self {
        Self::with_encoding(framing, net::Config::default())
    }
}

impl<F, E> MessageDecoder<F, E> {
    /// A decoder of messages in `encoding` (such as
    /// [`ascii::Config`](crate::ascii::Config)), framed by `framing`.
    pub fn with_encoding(framing: F, encoding: E) -> Self {
        MessageDecoder {
            framing,
            encoding,
            position: 0,
            prepared: false,
            buffer_limit: None,
        }
    }

    /// The framing, with whatever state it keeps.
    pub fn framing(&self) -> &F {
        &self.framing
    }

    /// The encoding.
    pub fn encoding(&self) -> &E {
        &self.encoding
    }

    /// Stream offset of the next input's first byte: the bytes taken so
    /// far. Error offsets count from the stream's start.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// As [`MessageDecoder::position`], for a decoder taking over a stream
    /// at `position`.
    pub(crate) fn starting_at(mut self, position: u64) -> Self {
        self.position = position;
        self
    }

    /// Goes on with another framing (a handshake in one layout, then
    /// messages in another), keeping the position. Call it between
    /// messages.
    pub fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> MessageDecoder<G, E> {
        MessageDecoder {
            framing: f(self.framing),
            encoding: self.encoding,
            position: self.position,
            prepared: false,
            buffer_limit: None,
        }
    }

    /// The framing, mutably, and the encoding: for an encoder sharing
    /// them.
    #[cfg(feature = "tokio")]
    pub(crate) fn parts_mut(&mut self) -> (&mut F, &E) {
        (&mut self.framing, &self.encoding)
    }

    /// Returns the framing and the encoding.
    pub fn into_parts(self) -> (F, E) {
        (self.framing, self.encoding)
    }

    /// Accounts for `used` bytes taken and shifts an error's offsets from
    /// the input to the stream.
    #[inline(always)]
    fn taken<T>(&mut self, result: Result<T>, used: usize) -> (Result<T>, usize) {
        let base = self.position;
        self.position = base.saturating_add(used as u64);
        match result {
            Ok(value) => (Ok(value), used),
            Err(err) => (Err(located(err, base)), used),
        }
    }
}

#[cold]
#[inline(never)]
fn located(err: Error, base: u64) -> Error {
    err.at_base(base)
}

impl<F: MessageFraming, E: Encoding> MessageDecoder<F, E> {
    /// Fits the framing to the encoding, once.
    #[inline(always)]
    fn prepare(&mut self) {
        if !self.prepared {
            self.prepare_now();
        }
    }

    #[cold]
    fn prepare_now(&mut self) {
        self.prepared = true;
        self.buffer_limit = self.framing.prepare(&self.encoding);
    }

    /// Decodes the next message at the front of `src`.
    ///
    /// Returns the message (`Ok(None)`: `src` holds no whole message yet)
    /// and how many bytes of `src` to drop before the next call, also
    /// after an error (a complete frame is consumed even when its message
    /// is invalid). Work is linear in the bytes: a framing keeps its parsed
    /// header and an encoding that scans resumes where it stopped, so
    /// calling again with more bytes does not start over.
    ///
    /// # Errors
    /// The framing's errors ([`ErrorKind::LengthOverLimit`](crate::ErrorKind::LengthOverLimit) from a header
    /// over the limit, [`ErrorKind::InvalidHeader`](crate::ErrorKind::InvalidHeader), ...) and the
    /// encoding's, with stream offsets; a frame whose payload ends inside
    /// its message is [`ErrorKind::ShortFrame`](crate::ErrorKind::ShortFrame). After an error in a
    /// framing's header or in a self-delimited message, where the next
    /// message starts is unknown: stop reading.
    #[inline]
    pub fn decode<'de, T: Deserialize<'de>>(
        &mut self,
        src: &'de [u8],
    ) -> (Result<Option<T>>, usize) {
        self.step(src, false)
    }

    /// As [`decode`](Self::decode), once the input has ended: `Ok(None)`
    /// only when `src` is empty (a clean end between messages).
    ///
    /// # Errors
    /// As [`decode`](Self::decode), and for bytes that do not make a whole
    /// message: [`ErrorKind::Truncated`](crate::ErrorKind::Truncated) in a frame (how many bytes arrived
    /// and, once the header told, how many the frame has), or
    /// [`ErrorKind::TruncatedMessage`](crate::ErrorKind::TruncatedMessage) for a self-delimited message.
    pub fn decode_eof<'de, T: Deserialize<'de>>(
        &mut self,
        src: &'de [u8],
    ) -> (Result<Option<T>>, usize) {
        self.step(src, true)
    }

    /// [`decode`](Self::decode) (`eof` false) or
    /// [`decode_eof`](Self::decode_eof) (`eof` true). With `eof`, both
    /// kinds of framing return `Ok(None)` only for an empty `src` (see
    /// [`MessageFraming`]).
    #[inline(always)]
    pub(crate) fn step<'de, T: Deserialize<'de>>(
        &mut self,
        src: &'de [u8],
        eof: bool,
    ) -> (Result<Option<T>>, usize) {
        self.prepare();
        let (result, used) = self.framing.decode_message(&self.encoding, src, eof);
        let used = used.min(src.len());
        self.taken(result, used)
    }

    /// After `Ok(None)`: how many bytes, counted from the start of the
    /// input, the message in progress needs, once a header has told.
    /// Buffers may be sized with it; it is never more than the limit.
    pub fn needed(&self) -> Option<usize> {
        self.framing.needed_hint()
    }

    /// The most bytes worth holding for one message when the framing has
    /// no bound of its own (self-delimited messages: the encoding's
    /// limit, past which a message is refused); `None` when the framing
    /// bounds its frames itself.
    pub fn buffer_limit(&mut self) -> Option<usize> {
        self.prepare();
        self.buffer_limit
    }

    /// Decodes the next message from the front of `src` and drops its
    /// bytes; while no whole message is there, reserves room for more of
    /// it step by step (never more than has arrived, so a header cannot
    /// make the buffer grow to what it announces).
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use netwire::frame::LengthPrefixed;
    /// use netwire::message::MessageDecoder;
    ///
    /// let mut decoder = MessageDecoder::new(LengthPrefixed::u8());
    /// let mut src = BytesMut::from(&[1, 7, 1][..]);
    /// assert_eq!(decoder.decode_buf::<u8>(&mut src)?, Some(7));
    /// assert_eq!(decoder.decode_buf::<u8>(&mut src)?, None);
    /// src.extend_from_slice(&[8]);
    /// assert_eq!(decoder.decode_buf::<u8>(&mut src)?, Some(8));
    /// assert_eq!(decoder.decode_buf_eof::<u8>(&mut src)?, None);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decode`](Self::decode).
    #[inline]
    pub fn decode_buf<T: DeserializeOwned>(&mut self, src: &mut BytesMut) -> Result<Option<T>> {
        let (result, used) = self.decode::<T>(src);
        src.advance(used);
        if let Ok(None) = result {
            frame::grow(src, self.needed());
        }
        result
    }

    /// As [`decode_buf`](Self::decode_buf), once the input has ended.
    ///
    /// # Errors
    /// As [`decode_eof`](Self::decode_eof).
    pub fn decode_buf_eof<T: DeserializeOwned>(&mut self, src: &mut BytesMut) -> Result<Option<T>> {
        let (result, used) = self.decode_eof::<T>(src);
        src.advance(used);
        result
    }
}

impl<F: FrameDecoder, E: Encoding> MessageDecoder<F, E> {
    /// Where the next complete frame lies in `src`, without decoding or
    /// taking anything; decode it with [`MessageDecoder::decode_frame`] on
    /// the same bytes. For a reader that must know a message is whole
    /// before it decodes one that borrows from its buffer.
    pub(crate) fn next_frame(&mut self, src: &[u8], eof: bool) -> Result<Option<Span>> {
        self.prepare();
        match framing::next_span(&mut self.framing, src, eof) {
            Ok(Some(span)) => Ok(Some(span)),
            Ok(None) => Ok(None),
            Err(err) => Err(located(err, self.position)),
        }
    }

    /// Decodes the message in the frame [`MessageDecoder::next_frame`]
    /// found, taking the frame.
    pub(crate) fn decode_frame<'de, T: Deserialize<'de>>(
        &mut self,
        src: &'de [u8],
        span: &Span,
    ) -> (Result<T>, usize) {
        let gap = self.framing.gap();
        let (result, used) = framing::decode_frame(&self.encoding, src, span, gap);
        self.taken(result, used)
    }
}

impl<F: fmt::Debug, E: fmt::Debug> fmt::Debug for MessageDecoder<F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageDecoder")
            .field("framing", &self.framing)
            .field("encoding", &self.encoding)
            .field("position", &self.position)
            .finish()
    }
}
