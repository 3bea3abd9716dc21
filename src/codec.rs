//! `tokio_util::codec` adapters (feature `tokio`): the same framings and
//! encodings in async code.
//!
//! tokio-util owns the buffers and the I/O; these codecs hand its buffers
//! to the IO-free layers ([`crate::frame`], [`crate::message`]) and add no
//! framing or limit logic of their own.
//!
//! [`FrameCodec`] turns any [`FrameDecoder`]/[`FrameEncoder`] into a
//! [`Decoder`]/[`Encoder`] of raw frames; [`MessageCodec`] adds an
//! [`Encoding`] and yields typed messages. Use them with
//! `tokio_util::codec::{FramedRead, FramedWrite, Framed}`.
//!
//! Errors carry stream offsets: each codec counts the bytes it has taken
//! from the read buffer.
//!
//! # Memory
//! `FramedRead` and `FramedWrite` own their buffers (8 KiB each from the
//! start, kept for the connection's life) and never shrink them, so after
//! one large message they would hold its size for good. The codecs give
//! such a buffer back: a read buffer that held more than 64 KiB is
//! replaced by a fresh 8 KiB one as soon as the decoded messages leave
//! little in it, and a write buffer that carried more than 64 KiB is
//! replaced at the next encode that finds it empty. Buffers below that
//! are tokio-util's to keep; the codecs themselves hold no heap memory
//! between messages, apart from a few bytes of frame-head scratch. (Share one codec value between reading and writing
//! only through `Framed`, which keeps the two directions' buffers apart.)
//!
//! ```
//! use bytes::BytesMut;
//! use netwire::codec::FrameCodec;
//! use netwire::frame::LengthPrefixed;
//! use tokio_util::codec::{Decoder, Encoder};
//!
//! let mut codec = FrameCodec::new(LengthPrefixed::u16());
//! let mut wire = BytesMut::new();
//! codec.encode(&b"hey"[..], &mut wire)?;
//! assert_eq!(&wire[..], [0, 3, b'h', b'e', b'y']);
//! assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"hey"[..]);
//! # Ok::<(), netwire::Error>(())
//! ```

use std::fmt;
use std::marker::PhantomData;

use bytes::{Bytes, BytesMut};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::codec::{Decoder, Encoder};

use crate::encoding::Encoding;
use crate::error::{Error, Result};
use crate::frame::{FrameDecoder, FrameEncoder};
use crate::message::buffer::SHRINK_ABOVE;
use crate::message::{MessageDecoder, MessageFraming, encode_framed};
use crate::net;

/// The capacity `FramedRead` and `FramedWrite` start with; a buffer that
/// grew past [`SHRINK_ABOVE`] is replaced by one this size.
const INITIAL: usize = 8 * 1024;

/// Tracks one tokio-util buffer's size on behalf of a codec, and hands a
/// large one back. `BytesMut::capacity` cannot tell: it shrinks as
/// consumed bytes are dropped from the front, while the allocation stays.
#[derive(Clone, Copy, Debug, Default)]
struct Shrink {
    large: bool,
}

impl Shrink {
    /// After decoding: `before` bytes were buffered. Once the buffer has
    /// held more than [`SHRINK_ABOVE`] and no more than half the initial
    /// capacity is left, the rest moves to a fresh buffer.
    #[inline]
    fn decoded(&mut self, before: usize, src: &mut BytesMut) {
        self.large |= before > SHRINK_ABOVE;
        if self.large && src.len() <= INITIAL / 2 {
            self.release(src);
        }
    }

    /// Before encoding into `dst`: a buffer that carried more than
    /// [`SHRINK_ABOVE`] is replaced once it has been written out.
    #[inline]
    fn encoding(&mut self, dst: &mut BytesMut) {
        if self.large && dst.is_empty() {
            self.release(dst);
        }
    }

    /// After encoding: `dst` holds `len` bytes.
    #[inline]
    fn encoded(&mut self, len: usize) {
        self.large |= len > SHRINK_ABOVE;
    }

    #[cold]
    fn release(&mut self, buf: &mut BytesMut) {
        let mut fresh = BytesMut::with_capacity(INITIAL.max(buf.len()));
        fresh.extend_from_slice(buf);
        *buf = fresh;
        self.large = false;
    }
}

/// Counts the bytes a decoding step took from `src` and shifts its errors
/// to stream offsets.
fn counted<T>(
    consumed: &mut u64,
    src: &mut BytesMut,
    step: impl FnOnce(&mut BytesMut) -> Result<T>,
) -> Result<T> {
    let base = *consumed;
    let before = src.len();
    let result = step(src);
    *consumed = consumed.saturating_add(before.saturating_sub(src.len()) as u64);
    result.map_err(|e| e.at_base(base))
}

/// A [`Decoder`] and [`Encoder`] of raw frames for any framing.
///
/// Decodes to [`Bytes`] payloads; encodes anything that is `AsRef<[u8]>`
/// (`&[u8]`, `Vec<u8>`, `Bytes`, ...). Because the item type is open, `Sink`
/// methods that take no item need it spelled out:
/// `SinkExt::<&[u8]>::close(&mut framed_write)`.
#[derive(Clone, Default)]
pub struct FrameCodec<F> {
    framing: F,
    consumed: u64,
    read: Shrink,
    write: Shrink,
}

impl<F> FrameCodec<F> {
    /// A codec framing with `framing`.
    pub fn new(framing: F) -> Self {
        FrameCodec {
            framing,
            consumed: 0,
            read: Shrink::default(),
            write: Shrink::default(),
        }
    }

    /// The framing.
    pub fn framing(&self) -> &F {
        &self.framing
    }

    /// Returns the framing.
    pub fn into_inner(self) -> F {
        self.framing
    }
}

impl<F: FrameDecoder> Decoder for FrameCodec<F> {
    type Item = Bytes;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>> {
        let framing = &mut self.framing;
        let before = src.len();
        let frame = counted(&mut self.consumed, src, |src| framing.decode(src));
        self.read.decoded(before, src);
        frame
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>> {
        let framing = &mut self.framing;
        counted(&mut self.consumed, src, |src| framing.decode_eof(src))
    }
}

impl<F: FrameEncoder, B: AsRef<[u8]>> Encoder<B> for FrameCodec<F> {
    type Error = Error;

    fn encode(&mut self, payload: B, dst: &mut BytesMut) -> Result<()> {
        self.write.encoding(dst);
        let mark = dst.len();
        self.framing
            .encode(payload.as_ref(), dst)
            .inspect_err(|_| dst.truncate(mark))?;
        self.write.encoded(dst.len());
        Ok(())
    }
}

/// A [`Decoder`] and [`Encoder`] of `T` messages: framing × encoding, as
/// [`MessageReader`](crate::stream::MessageReader) and
/// [`MessageWriter`](crate::stream::MessageWriter).
///
/// There is one `Encoder<T>` implementation, so `Sink` methods such as
/// `close` need no type annotations. To send borrowed messages, use a
/// `MessageCodec<&Msg, _>` on the writing side (`&Msg` is `Serialize`).
///
/// The framing is any [`FrameDecoder`] + [`FrameEncoder`], or
/// [`SelfDelimited`](crate::message::SelfDelimited). The message type comes
/// first so the encoding can default to `net`:
///
/// ```
/// use bytes::BytesMut;
/// use netwire::codec::MessageCodec;
/// use netwire::frame::LengthPrefixed;
/// use tokio_util::codec::{Decoder, Encoder};
///
/// let mut codec = MessageCodec::<(u8, bool), _>::new(LengthPrefixed::u8());
/// let mut wire = BytesMut::new();
/// codec.encode((7, true), &mut wire)?;
/// assert_eq!(&wire[..], [2, 7, 1]);
/// assert_eq!(codec.decode(&mut wire)?, Some((7, true)));
/// assert_eq!(codec.decode_eof(&mut wire)?, None);
/// # Ok::<(), netwire::Error>(())
/// ```
pub struct MessageCodec<T, F, E = net::Config> {
    decoder: MessageDecoder<F, E>,
    /// Scratch space for the frame head and tail of the message encoded.
    edges: BytesMut,
    read: Shrink,
    write: Shrink,
    _type: PhantomData<fn(T) -> T>,
}

impl<T, F> MessageCodec<T, F> {
    /// A codec of `T` messages in the default [`net`] encoding, framed by
    /// `framing`.
    pub fn new(framing: F) -> Self {
        Self::with_encoding(framing, net::Config::default())
    }
}

impl<T, F, E> MessageCodec<T, F, E> {
    /// A codec of `T` messages in `encoding`, framed by `framing`.
    pub fn with_encoding(framing: F, encoding: E) -> Self {
        Self::with_decoder(MessageDecoder::with_encoding(framing, encoding))
    }

    /// A codec around `decoder`, whose framing and encoding also encode.
    pub fn with_decoder(decoder: MessageDecoder<F, E>) -> Self {
        MessageCodec {
            decoder,
            edges: BytesMut::new(),
            read: Shrink::default(),
            write: Shrink::default(),
            _type: PhantomData,
        }
    }

    /// The framing, with its state.
    pub fn framing(&self) -> &F {
        self.decoder.framing()
    }

    /// The encoding.
    pub fn encoding(&self) -> &E {
        self.decoder.encoding()
    }

    /// The message decoder, with the stream position.
    pub fn decoder(&self) -> &MessageDecoder<F, E> {
        &self.decoder
    }
}

/// Decodes each message straight from the read buffer, then drops its
/// bytes (also when the message is invalid, like the stream reader).
impl<F: MessageFraming, E: Encoding, T: DeserializeOwned> Decoder for MessageCodec<T, F, E> {
    type Item = T;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<T>> {
        let before = src.len();
        let message = self.decoder.decode_buf(src);
        self.read.decoded(before, src);
        message
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<T>> {
        self.decoder.decode_buf_eof(src)
    }
}

/// Encodes each message straight into the write buffer, after its frame's
/// head.
impl<F: FrameEncoder, E: Encoding, T: Serialize> Encoder<T> for MessageCodec<T, F, E> {
    type Error = Error;

    fn encode(&mut self, message: T, dst: &mut BytesMut) -> Result<()> {
        self.write.encoding(dst);
        let (framing, encoding) = self.decoder.parts_mut();
        encode_framed(framing, encoding, &mut self.edges, &message, dst)?;
        self.write.encoded(dst.len());
        Ok(())
    }
}

impl<F: Clone, E: Clone, T> Clone for MessageCodec<T, F, E> {
    fn clone(&self) -> Self {
        Self::with_decoder(self.decoder.clone())
    }
}

impl<F: fmt::Debug> fmt::Debug for FrameCodec<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameCodec")
            .field("framing", &self.framing)
            .field("consumed", &self.consumed)
            .finish()
    }
}

impl<F: fmt::Debug, E: fmt::Debug, T> fmt::Debug for MessageCodec<T, F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageCodec")
            .field("decoder", &self.decoder)
            .finish()
    }
}
