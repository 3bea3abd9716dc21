//! The state of the I/O adapters, with no I/O of its own.
//!
//! [`ReadBuffer`] is the one input buffer of the reading adapters: an
//! adapter asks it for [room](ReadBuffer::room), reads into that however
//! its runtime reads, and [commits](ReadBuffer::commit) what arrived.
//! [`Receiver`] adds the message decoder around it, [`Sender`] is the
//! writing side's queue. An adapter for a new runtime adds the read and
//! write calls, nothing else.

use std::io;

use bytes::{Buf, Bytes, BytesMut};
use serde::de::DeserializeOwned;

use super::{MessageDecoder, MessageFraming};
use crate::encoding::Encoding;
use crate::error::{Error, Result};
use crate::frame::{self, Span};

/// How much a reader asks for per `read` call unless told otherwise.
pub(crate) const DEFAULT_CHUNK: usize = 8 * 1024;

/// The largest chunk a reader asks for: reading more than the largest
/// default frame at once buys nothing.
const MAX_CHUNK: usize = frame::DEFAULT_LIMIT;

/// While a large message arrives, reads grow with the bytes buffered, up
/// to this much per call.
const MAX_GROWTH: usize = 1 << 20;

/// Bytes read and not yet consumed, and zeroed room for the next read.
///
/// Costs O(bytes read), amortized: the zeroed room after the data is kept
/// from one read to the next, so each byte of the buffer is zeroed once
/// (safe code cannot read into uninitialised memory), and the buffer
/// grows by doubling, copying only its data.
#[derive(Debug)]
pub(crate) struct ReadBuffer {
    /// `buf[..filled]` are bytes read (those before `pos` consumed);
    /// `buf[filled..]` is zeroed room for the next reads.
    buf: BytesMut,
    filled: usize,
    /// Dropping consumed bytes is put off until the buffer is refilled or
    /// a frame is split off, so a message decoded in place costs no
    /// buffer bookkeeping.
    pos: usize,
    /// Minimum size of one read.
    chunk: usize,
    /// Reads stop adding to the buffer once it holds this many bytes.
    cap: usize,
}

impl ReadBuffer {
    /// An empty buffer reading at least `chunk` bytes per call, clamped to
    /// between 64 bytes and 16 MiB; memory is reserved only as reads need
    /// it.
    pub(crate) fn new(chunk: usize) -> Self {
        ReadBuffer {
            buf: BytesMut::new(),
            filled: 0,
            pos: 0,
            chunk: chunk.clamp(64, MAX_CHUNK),
            cap: usize::MAX,
        }
    }

    /// Reads stop adding to the buffer once it holds `cap` bytes (a read
    /// still happens when it holds more, so a message can always make
    /// progress).
    pub(crate) fn cap_reads(&mut self, cap: usize) {
        self.cap = cap;
    }

    /// The bytes read and not yet consumed.
    #[inline(always)]
    pub(crate) fn data(&self) -> &[u8] {
        self.buf.get(self.pos..self.filled).unwrap_or_default()
    }

    /// Drops `n` bytes from the front of [`ReadBuffer::data`].
    #[inline(always)]
    pub(crate) fn consume(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.filled);
    }

    /// Consumes the first `n` bytes of the data and returns them, borrowed
    /// for as long as the buffer is.
    pub(crate) fn take(&mut self, n: usize) -> &[u8] {
        let from = self.pos;
        self.consume(n);
        self.buf.get(from..self.pos).unwrap_or_default()
    }

    /// Drops the consumed bytes from the front of the buffer.
    fn compact(&mut self) {
        let pos = self.pos.min(self.filled);
        self.buf.advance(pos);
        self.filled -= pos;
        self.pos = 0;
    }

    /// Zeroed room for the next read, after the data: at least a chunk,
    /// and while a large message accumulates as much as is buffered, so
    /// the number of reads stays logarithmic in the message's size.
    #[inline(never)]
    pub(crate) fn room(&mut self) -> &mut [u8] {
        self.compact();
        let filled = self.filled;
        let want = self.chunk.max(filled.min(MAX_GROWTH));
        let want = match self.cap.checked_sub(filled) {
            Some(room) if room > 0 => want.min(room),
            _ => want,
        };
        if self.buf.len() - filled < want {
            let target = filled + want;
            if self.buf.capacity() < target {
                // Growing copies the buffer: only its data, not the room.
                self.buf.truncate(filled);
                #[cfg(test)]
                crate::cost::copied(filled);
                self.buf.reserve(want);
            }
            // Zero what the next reads will use too, as far as the
            // capacity goes: up to twice the read size.
            let zeroed = self
                .buf
                .capacity()
                .min(filled.saturating_add(want.saturating_mul(2)))
                .max(target);
            #[cfg(test)]
            crate::cost::zeroed(zeroed - self.buf.len());
            self.buf.resize(zeroed, 0);
        }
        let room = (self.buf.len() - filled).min(want.saturating_mul(2));
        &mut self.buf[filled..filled + room]
    }

    /// `n` bytes were read into the front of [`ReadBuffer::room`].
    #[inline]
    pub(crate) fn commit(&mut self, n: usize) {
        self.filled = self.filled.saturating_add(n).min(self.buf.len());
    }

    /// Splits the frame `span` describes off the front of the data as a
    /// view of the buffer, keeping only its payload less its `gap` (see
    /// [`FrameDecoder::gap`](frame::FrameDecoder::gap)). The span has been
    /// checked against the data (see `next_span`).
    pub(crate) fn split_frame(
        &mut self,
        span: Span,
        gap: Option<std::ops::Range<usize>>,
    ) -> Result<Bytes> {
        self.compact();
        let len = span.len.min(self.filled);
        let frame = frame::split_frame(&mut self.buf, span, gap)?;
        self.filled -= len;
        Ok(frame)
    }

    /// Returns the unconsumed bytes.
    pub(crate) fn into_bytes(mut self) -> BytesMut {
        self.compact();
        self.buf.truncate(self.filled);
        self.buf
    }
}

/// What a [`Receiver`] made of the bytes it holds.
pub(crate) enum Received<T> {
    /// A message.
    Message(T),
    /// No whole message yet: read more.
    NeedMore,
    /// The input ended between messages.
    End,
}

/// A reading adapter's state, whatever its runtime: the underlying reader,
/// the buffer, and the message decoder. Adapters add only the read call.
pub(crate) struct Receiver<R, F, E> {
    pub(crate) inner: R,
    pub(crate) buf: ReadBuffer,
    pub(crate) decoder: MessageDecoder<F, E>,
    /// The decoder said it needs more bytes than the buffer holds: the
    /// next call reads before it asks again, so retrying after
    /// `WouldBlock` costs no decoding work.
    pub(crate) need_read: bool,
    /// Reads are capped at the decoder's buffer limit.
    capped: bool,
}

impl<R, F, E> Receiver<R, F, E> {
    pub(crate) fn new(inner: R, buf: ReadBuffer, decoder: MessageDecoder<F, E>) -> Self {
        Receiver {
            inner,
            buf,
            decoder,
            need_read: false,
            capped: false,
        }
    }

    /// Goes on with another framing; what is buffered is kept.
    pub(crate) fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> Receiver<R, G, E> {
        let mut buf = self.buf;
        buf.cap_reads(usize::MAX);
        Receiver::new(self.inner, buf, self.decoder.map_framing(f))
    }
}

impl<R, F: MessageFraming, E: Encoding> Receiver<R, F, E> {
    /// A message from the bytes already buffered, unless the decoder has
    /// said it needs more than they are.
    #[inline(always)]
    pub(crate) fn buffered<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        if self.need_read {
            return Ok(None);
        }
        let (message, used) = self.decoder.decode::<T>(self.buf.data());
        self.buf.consume(used);
        let message = message?;
        self.need_read = message.is_none();
        Ok(message)
    }

    /// The underlying reader, the room to read into, and the stream
    /// offset of that room's start (for an I/O error).
    pub(crate) fn room(&mut self) -> (&mut R, &mut [u8], u64) {
        if !self.capped {
            self.capped = true;
            if let Some(cap) = self.decoder.buffer_limit() {
                self.buf.cap_reads(cap);
            }
        }
        let at = self
            .decoder
            .position()
            .saturating_add(self.buf.data().len() as u64);
        (&mut self.inner, self.buf.room(), at)
    }

    /// `n` bytes were read into the [room](Self::room) (0: the input has
    /// ended): decodes what is buffered.
    pub(crate) fn arrived<T: DeserializeOwned>(&mut self, n: usize) -> Result<Received<T>> {
        self.buf.commit(n);
        let (message, used) = self.decoder.step::<T>(self.buf.data(), n == 0);
        self.buf.consume(used);
        self.need_read = false;
        Ok(match message? {
            Some(message) => Received::Message(message),
            None if n == 0 => Received::End,
            None => {
                self.need_read = true;
                Received::NeedMore
            }
        })
    }
}

/// A writing adapter's state, whatever its runtime: the underlying writer,
/// the bytes queued for it, and how many it took. Adapters add only the
/// write calls.
pub(crate) struct Sender<W> {
    pub(crate) inner: W,
    /// Encoded bytes not yet accepted by `inner`.
    pub(crate) queue: BytesMut,
    /// Bytes `inner` has accepted so far.
    pub(crate) written: u64,
}

/// A queue this large is let go of once it is sent: one huge message
/// should not pin a huge buffer forever.
const QUEUE_KEPT: usize = 1 << 20;

impl<W> Sender<W> {
    pub(crate) fn new(inner: W) -> Self {
        Sender {
            inner,
            queue: BytesMut::new(),
            written: 0,
        }
    }

    /// `n` queued bytes were accepted.
    #[inline]
    pub(crate) fn accepted(&mut self, n: usize) -> Result<()> {
        if n == 0 {
            return Err(self.write_zero());
        }
        let n = n.min(self.queue.len());
        self.queue.advance(n);
        self.written = self.written.saturating_add(n as u64);
        if self.queue.is_empty() && self.queue.capacity() > QUEUE_KEPT {
            self.queue = BytesMut::new();
        }
        Ok(())
    }

    #[cold]
    pub(crate) fn write_zero(&self) -> Error {
        Error::io(
            io::Error::new(io::ErrorKind::WriteZero, "the writer accepted 0 bytes"),
            Some(self.written),
        )
    }

    #[cold]
    pub(crate) fn failed(&self, err: io::Error) -> Error {
        Error::io(err, Some(self.written))
    }
}

/// The accessors of a message reader over its `rx: Receiver<R, F, E>`
/// field, the same for every runtime's reader.
macro_rules! receiver_accessors {
    () => {
        /// The encoding messages are decoded with.
        pub fn encoding(&self) -> &E {
            self.rx.decoder.encoding()
        }

        /// The message decoder, with the framing's state and the position.
        pub fn decoder(&self) -> &$crate::message::MessageDecoder<F, E> {
            &self.rx.decoder
        }

        /// The underlying reader.
        pub fn get_ref(&self) -> &R {
            &self.rx.inner
        }

        /// The underlying reader, mutably (to set a timeout, say).
        pub fn get_mut(&mut self) -> &mut R {
            &mut self.rx.inner
        }

        /// Stream offset of the next unread message.
        pub fn position(&self) -> u64 {
            self.rx.decoder.position()
        }

        /// Bytes read but not yet part of a returned message.
        pub fn buffer(&self) -> &[u8] {
            self.rx.buf.data()
        }
    };
}
pub(crate) use receiver_accessors;

/// The accessors of a writer over its `out: Sender<W>` field, the same for
/// every runtime's writer.
macro_rules! sender_accessors {
    () => {
        /// The underlying writer.
        pub fn get_ref(&self) -> &W {
            &self.out.inner
        }

        /// The underlying writer, mutably. Writing to it directly while
        /// bytes are pending interleaves them with a frame.
        pub fn get_mut(&mut self) -> &mut W {
            &mut self.out.inner
        }

        /// Bytes queued but not yet accepted by the underlying writer.
        pub fn pending(&self) -> usize {
            self.out.queue.len()
        }

        /// Bytes the underlying writer has accepted so far.
        pub fn position(&self) -> u64 {
            self.out.written
        }
    };
}
pub(crate) use sender_accessors;
