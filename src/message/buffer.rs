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

/// A buffer whose memory outgrew this (and four read chunks) is given
/// back once the message that needed it is consumed. Small messages keep a
/// buffer of one to three chunks (the data and zeroed room for the next
/// reads), so at steady state nothing is shrunk and nothing allocated;
/// 64 KiB (the most one loopback `read` commonly returns) keeps messages
/// of a few KiB clear of it too.
pub(crate) const SHRINK_ABOVE: usize = 64 * 1024;

/// Bytes read and not yet consumed, and zeroed room for the next read.
///
/// Costs O(bytes read), amortized: the zeroed room after the data is kept
/// from one read to the next, so each byte of the buffer is zeroed once
/// (safe code cannot read into uninitialised memory), and the buffer
/// grows by doubling, copying only its data.
///
/// Memory is given back twice: a buffer that grew past [`SHRINK_ABOVE`]
/// for a large message is replaced by a small one once that message is
/// consumed (copying what little follows it), and an adapter whose read
/// would block while nothing is buffered calls
/// [`release_if_empty`](Self::release_if_empty), so an idle connection
/// holds no buffer at all.
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
    /// The allocation outgrew [`ReadBuffer::shrink_above`]: give it back
    /// once the data fits a chunk. (`BytesMut::capacity` cannot tell: it
    /// shrinks as consumed bytes are dropped from the front.)
    large: bool,
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
            large: false,
        }
    }

    /// Above this many bytes of memory the buffer is given back once it
    /// holds no more than a chunk of data.
    fn shrink_above(&self) -> usize {
        self.chunk.saturating_mul(4).max(SHRINK_ABOVE)
    }

    /// Gives the memory back when no data is buffered: for an adapter
    /// whose read would block (`WouldBlock`, `TimedOut`, `Pending`), so a
    /// connection waiting between messages holds no buffer. The next read
    /// takes a new chunk: one allocation per wait, none per message.
    /// Frames handed out keep their own bytes alive.
    pub(crate) fn release_if_empty(&mut self) {
        // Also when the view is empty: after a frame was split off, it
        // may still hold the shared buffer alive.
        if self.pos >= self.filled {
            self.buf = BytesMut::new();
            self.filled = 0;
            self.pos = 0;
            self.large = false;
        }
    }

    /// Memory held for data and room (for tests: `capacity` after the
    /// consumed bytes were dropped from the front).
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Moves the data (at most a chunk) into a buffer of its own and lets
    /// the large one go.
    #[cold]
    fn shrink(&mut self) {
        let mut small = BytesMut::new();
        if self.filled > 0 {
            small.reserve(self.filled + self.chunk);
            small.extend_from_slice(&self.buf[..self.filled]);
            #[cfg(test)]
            crate::cost::copied(self.filled);
        }
        self.buf = small;
        self.large = false;
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
        if self.large && self.filled <= self.chunk {
            self.shrink();
        }
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
                self.large = self.buf.capacity() > self.shrink_above();
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

    /// The read would block: with nothing buffered, the buffer is given
    /// back until bytes come (see [`ReadBuffer::release_if_empty`]).
    #[cold]
    pub(crate) fn waiting(&mut self) {
        self.buf.release_if_empty();
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
    /// The queue's memory outgrew [`SHRINK_ABOVE`]: let it go once sent.
    large: bool,
}

impl<W> Sender<W> {
    pub(crate) fn new(inner: W) -> Self {
        Sender {
            inner,
            queue: BytesMut::new(),
            written: 0,
            large: false,
        }
    }

    /// `n` queued bytes were accepted. A queue that grew past
    /// [`SHRINK_ABOVE`] (for one large message or batch) is let go of once
    /// it is empty: a queue that small messages need is kept, so they
    /// allocate nothing.
    #[inline]
    pub(crate) fn accepted(&mut self, n: usize) -> Result<()> {
        if n == 0 {
            return Err(self.write_zero());
        }
        // Before `advance`, which shrinks what `capacity` reports.
        self.large |= self.queue.capacity() > SHRINK_ABOVE;
        let n = n.min(self.queue.len());
        self.queue.advance(n);
        self.written = self.written.saturating_add(n as u64);
        if self.large && self.queue.is_empty() {
            self.release();
        }
        Ok(())
    }

    #[cold]
    fn release(&mut self) {
        self.queue = BytesMut::new();
        self.large = false;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `total` bytes of 1s into `buf`, as much per call as it offers.
    fn fill(buf: &mut ReadBuffer, total: usize) {
        let mut read = 0;
        while read < total {
            let room = buf.room();
            let n = room.len().min(total - read);
            room[..n].fill(1);
            buf.commit(n);
            read += n;
        }
    }

    #[test]
    fn a_large_buffer_shrinks_once_its_message_is_consumed() {
        let mut buf = ReadBuffer::new(DEFAULT_CHUNK);
        fill(&mut buf, 1 << 20);
        assert!(buf.capacity() >= 1 << 20);
        // The large message is consumed; 10 bytes of the next remain.
        buf.consume((1 << 20) - 10);
        let _ = buf.room();
        assert!(buf.capacity() <= 4 * DEFAULT_CHUNK, "{}", buf.capacity());
        assert_eq!(buf.data(), [1; 10]);
        // Data is never released, only an empty buffer.
        buf.release_if_empty();
        assert_eq!(buf.data(), [1; 10]);
        buf.consume(10);
        buf.release_if_empty();
        assert_eq!(buf.capacity(), 0);
    }

    /// A frame split off to the very end of the buffer leaves an empty
    /// view that still shares the allocation: releasing drops it too, so
    /// the frame alone keeps its memory alive.
    #[test]
    fn an_empty_view_after_a_split_frame_is_released() {
        let mut buf = ReadBuffer::new(64);
        let room = buf.room();
        let n = room.len();
        room.fill(2);
        buf.commit(n);
        let frame = buf.split_frame(Span::new(0..n, n), None).unwrap();
        assert_eq!(buf.capacity(), 0);
        assert!(!frame.is_unique());
        buf.release_if_empty();
        assert!(frame.is_unique());
        assert_eq!(frame.len(), n);
    }

    #[test]
    fn a_buffer_of_small_messages_keeps_its_memory() {
        let mut buf = ReadBuffer::new(DEFAULT_CHUNK);
        for _ in 0..100 {
            fill(&mut buf, DEFAULT_CHUNK + 7);
            let kept = buf.data().len() % 20;
            buf.consume(buf.data().len() - kept);
            assert!(!buf.large);
        }
        assert!(buf.capacity() <= 4 * DEFAULT_CHUNK, "{}", buf.capacity());
    }
}
