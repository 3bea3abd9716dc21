//! [`FrameWriter`] and [`MessageWriter`]: frames and typed messages into any
//! [`Write`].

use std::fmt;
use std::io::{self, IoSlice, Write};

use bytes::{Buf, BytesMut};
use serde::Serialize;

use crate::encoding::Encoding;
use crate::error::Result;
use crate::frame::FrameEncoder;
use crate::message::MessageEncoder;
use crate::message::buffer::Sender;
use crate::net;

/// Payloads at least this long are sent with a vectored write (head, payload,
/// tail) instead of being copied next to their head: below it one copy and
/// one plain `write` cost less than a vectored call.
const VECTORED_MIN: usize = 4096;

/// Writes frames to any [`Write`].
///
/// [`FrameWriter::write_frame`] is the socket HOWTO's `sendall`: it loops
/// until the whole frame is written, retries `Interrupted`, and turns a
/// `write` of 0 bytes into [`io::ErrorKind::WriteZero`]. Small frames are
/// built in one reusable buffer and sent with one `write`; large payloads
/// go out with a vectored write of head + payload + tail, without copying.
///
/// # Non-blocking writers and timeouts
/// [`FrameWriter::write_frame`] returns `Ok` once the frame is queued, even
/// when the underlying writer took none of it yet (`WouldBlock`, or
/// `TimedOut` from a write timeout): the rest waits in the queue, and only
/// the unsent part of a large payload is copied there. It returns a
/// [transient](crate::Error::is_transient) error only when the bytes queued
/// *before* it cannot all be sent yet, and then the new frame is **not**
/// queued. So the obvious retry loop is right: on `Ok` the frame is on its
/// way, on a transient error wait and call again with the same frame.
/// [`FrameWriter::flush`] sends what is queued and reports `WouldBlock`
/// while bytes still wait; [`FrameWriter::pending`] says how many. At most
/// one frame beyond what the writer accepted is ever queued by
/// `write_frame`, so a peer that stops reading cannot make the queue grow.
///
/// ```
/// use std::io::{self, Write};
/// use netwire::frame::LengthPrefixed;
/// use netwire::stream::FrameWriter;
///
/// /// A socket that takes 3 bytes, then would block once, then 3 more...
/// struct Slow { out: Vec<u8>, ready: bool }
/// impl Write for Slow {
///     fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
///         self.ready = !self.ready;
///         if !self.ready {
///             return Err(io::ErrorKind::WouldBlock.into());
///         }
///         let n = buf.len().min(3);
///         self.out.extend_from_slice(&buf[..n]);
///         Ok(n)
///     }
///     fn flush(&mut self) -> io::Result<()> { Ok(()) }
/// }
///
/// let mut tx = FrameWriter::new(Slow { out: Vec::new(), ready: false }, LengthPrefixed::u8());
/// for frame in [&b"hello"[..], b"world"] {
///     // Retry until the frame is queued; it is never sent twice.
///     while let Err(err) = tx.write_frame(frame) {
///         assert!(err.is_transient(), "{err}");
///         // wait until the socket is writable (poll, epoll, mio...)
///     }
/// }
/// while let Err(err) = tx.flush() {
///     assert!(err.is_transient(), "{err}");
/// }
/// assert_eq!(tx.get_ref().out, b"\x05hello\x05world");
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// [`FrameWriter::queue_frame`] adds a frame without writing anything, so
/// many small frames can leave in one `write` at the next flush.
///
/// Nothing is written on drop.
///
/// # Example
/// ```
/// use netwire::frame::LengthPrefixed;
/// use netwire::stream::FrameWriter;
///
/// let mut tx = FrameWriter::new(Vec::new(), LengthPrefixed::u8());
/// tx.write_frame(b"abc")?;
/// tx.queue_frame(b"z")?; // queued, not yet written
/// assert_eq!(tx.get_ref(), &[3, b'a', b'b', b'c']);
/// tx.flush()?;
/// assert_eq!(tx.get_ref(), &[3, b'a', b'b', b'c', 1, b'z']);
/// # Ok::<(), netwire::Error>(())
/// ```
pub struct FrameWriter<W, F> {
    out: Sender<W>,
    framing: F,
    /// Scratch space for a large payload's tail.
    tail: BytesMut,
}

impl<W: Write> Sender<W> {
    /// Writes the queue until it is empty; a transient error means some
    /// is left.
    #[inline]
    fn send(&mut self) -> Result<()> {
        while !self.queue.is_empty() {
            match self.inner.write(&self.queue) {
                Ok(n) => self.accepted(n)?,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(self.failed(err)),
            }
        }
        Ok(())
    }

    /// Writes every queued byte, then flushes the underlying writer.
    fn flush(&mut self) -> Result<()> {
        self.send()?;
        loop {
            match self.inner.flush() {
                Ok(()) => return Ok(()),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(self.failed(err)),
            }
        }
    }
}

impl<W, F> FrameWriter<W, F> {
    /// A writer that frames payloads with `framing` and writes them to
    /// `writer`.
    pub fn new(writer: W, framing: F) -> Self {
        FrameWriter {
            out: Sender::new(writer),
            framing,
            tail: BytesMut::new(),
        }
    }

    crate::message::buffer::sender_accessors!();

    /// The framing.
    pub fn framing(&self) -> &F {
        &self.framing
    }

    /// Returns the underlying writer. [Pending](FrameWriter::pending) bytes
    /// are dropped: flush first, or use [`FrameWriter::into_parts`].
    pub fn into_inner(self) -> W {
        self.out.inner
    }

    /// Returns the underlying writer and the bytes still queued for it.
    pub fn into_parts(self) -> (W, BytesMut) {
        (self.out.inner, self.out.queue)
    }

    /// Goes on with another framing; queued bytes stay queued, in order.
    pub fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> FrameWriter<W, G> {
        FrameWriter {
            out: self.out,
            framing: f(self.framing),
            tail: self.tail,
        }
    }
}

impl<W: Write, F: FrameEncoder> FrameWriter<W, F> {
    /// Sends what is already queued, then frames `payload` and writes it.
    /// `Ok` means the frame is queued: written, or waiting for the writer
    /// to accept the rest (see the type's docs).
    ///
    /// # Errors
    /// - A [transient](crate::Error::is_transient) I/O error when the bytes
    ///   queued before could not all be sent yet: the frame is **not**
    ///   queued; call again with it once the writer is ready.
    /// - The framing's errors (a payload over its maximum, ...): nothing is
    ///   queued.
    /// - Any other I/O error: the connection is broken.
    pub fn write_frame(&mut self, payload: &[u8]) -> Result<()> {
        self.out.send()?;
        if payload.len() < VECTORED_MIN || self.framing.head_offset() > 0 {
            self.queue_frame(payload)?;
            return queued(self.out.send());
        }
        self.tail.clear();
        if let Err(err) = self
            .framing
            .encode_head(payload, &mut self.out.queue)
            .and_then(|()| self.framing.encode_tail(payload, &mut self.tail))
        {
            self.out.queue.clear();
            return Err(err);
        }
        queued(self.send_vectored(payload))
    }

    /// Frames `payload` into the queue without writing anything.
    ///
    /// # Errors
    /// The framing's errors; nothing is queued then.
    pub fn queue_frame(&mut self, payload: &[u8]) -> Result<()> {
        let queue = &mut self.out.queue;
        let mark = queue.len();
        self.framing
            .encode(payload, queue)
            .inspect_err(|_| queue.truncate(mark))
    }

    /// Writes every queued byte, then flushes the underlying writer.
    ///
    /// # Errors
    /// An [`ErrorKind::Io`](crate::ErrorKind::Io) from the writer; after
    /// `WouldBlock`/`TimedOut` the unsent bytes stay queued.
    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()
    }

    /// Writes queue ++ payload ++ tail with vectored writes; on an error the
    /// unsent part of payload and tail joins the queue.
    fn send_vectored(&mut self, payload: &[u8]) -> Result<()> {
        let mut body = payload;
        let out = &mut self.out;
        while !(out.queue.is_empty() && body.is_empty()) {
            let parts = [
                IoSlice::new(&out.queue),
                IoSlice::new(body),
                IoSlice::new(&self.tail),
            ];
            let err = match out.inner.write_vectored(&parts) {
                Ok(0) => out.write_zero(),
                Ok(n) => {
                    out.written = out.written.saturating_add(n as u64);
                    let from_queue = n.min(out.queue.len());
                    out.queue.advance(from_queue);
                    let from_body = (n - from_queue).min(body.len());
                    body = body.get(from_body..).unwrap_or_default();
                    let from_tail = (n - from_queue - from_body).min(self.tail.len());
                    self.tail.advance(from_tail);
                    continue;
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => out.failed(err),
            };
            // The unsent rest of the frame joins the queue.
            out.queue.extend_from_slice(body);
            out.queue.extend_from_slice(&self.tail);
            self.tail.clear();
            return Err(err);
        }
        out.queue.extend_from_slice(&self.tail);
        self.tail.clear();
        out.send()
    }
}

/// The outcome of sending a frame that is queued: the frame waits for the
/// writer to be ready, so "not yet" is no error.
#[inline]
fn queued(sent: Result<()>) -> Result<()> {
    match sent {
        Err(err) if err.is_transient() => Ok(()),
        other => other,
    }
}

/// Writes typed messages to any [`Write`]: framing × encoding.
///
/// Each message is encoded straight into the writer's queue (see
/// [`MessageEncoder`]) and written as one frame with [`FrameWriter`]'s
/// guarantees: the whole frame is written,
/// `Interrupted` is retried, `Ok(0)` is [`io::ErrorKind::WriteZero`], and
/// with a non-blocking writer [`MessageWriter::write`] returns `Ok` once
/// the message is queued, or a [transient](crate::Error::is_transient)
/// error (`WouldBlock`, `TimedOut`) when earlier bytes still wait and the
/// message was not queued: retrying the same message is always right, and
/// never sends it twice. [`MessageWriter::flush`] reports `WouldBlock`
/// while queued bytes wait.
///
/// [`MessageWriter::queue`] adds a message without writing, so that a
/// batch leaves in one `write` call at the next
/// [`flush`](MessageWriter::flush) (or `write`).
///
/// # Memory
/// One queue, reused from message to message: it keeps the capacity the
/// largest batch needed (a few hundred bytes for small messages), so
/// small messages allocate nothing. A queue that grew past 64 KiB is let
/// go once it is sent.
///
/// # Example
/// ```
/// use netwire::frame::LengthPrefixed;
/// use netwire::stream::MessageWriter;
///
/// let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u16());
/// tx.write(&(1u8, 2u16))?;
/// tx.flush()?;
/// assert_eq!(tx.get_ref(), &[0, 3, 1, 0, 2]);
/// # Ok::<(), netwire::Error>(())
/// ```
pub struct MessageWriter<W, F, E = net::Config> {
    out: Sender<W>,
    encoder: MessageEncoder<F, E>,
}

impl<W, F> MessageWriter<W, F> {
    /// A writer of messages in the default [`net`] encoding, framed by
    /// `framing`.
    pub fn new(writer: W, framing: F) -> Self {
        Self::with_encoding(writer, framing, net::Config::default())
    }
}

impl<W, F, E> MessageWriter<W, F, E> {
    /// A writer of messages in `encoding`, framed by `framing`.
    pub fn with_encoding(writer: W, framing: F, encoding: E) -> Self {
        Self::with_encoder(writer, MessageEncoder::with_encoding(framing, encoding))
    }

    /// A writer that encodes with `encoder`.
    pub fn with_encoder(writer: W, encoder: MessageEncoder<F, E>) -> Self {
        MessageWriter {
            out: Sender::new(writer),
            encoder,
        }
    }

    /// A message writer on top of `frames`; its queued bytes are kept.
    pub fn from_frame_writer(frames: FrameWriter<W, F>, encoding: E) -> Self {
        MessageWriter {
            out: frames.out,
            encoder: MessageEncoder::with_encoding(frames.framing, encoding),
        }
    }

    /// The encoding messages are written in.
    pub fn encoding(&self) -> &E {
        self.encoder.encoding()
    }

    crate::message::buffer::sender_accessors!();

    /// Returns the underlying writer; [pending](MessageWriter::pending)
    /// bytes are dropped (see [`MessageWriter::into_frame_writer`]).
    pub fn into_inner(self) -> W {
        self.out.inner
    }

    /// Returns the frame writer underneath, queued bytes included.
    pub fn into_frame_writer(self) -> FrameWriter<W, F> {
        let (framing, _) = self.encoder.into_parts();
        FrameWriter {
            out: self.out,
            framing,
            tail: BytesMut::new(),
        }
    }

    /// Goes on with another framing (a handshake in one layout, then
    /// messages in another); queued bytes stay queued, in order.
    ///
    /// ```
    /// use netwire::frame::{FixedLength, LengthPrefixed};
    /// use netwire::stream::MessageWriter;
    ///
    /// let mut tx = MessageWriter::new(Vec::new(), FixedLength::new(4));
    /// tx.queue(&2u32)?;
    /// let mut tx = tx.map_framing(|_| LengthPrefixed::u8());
    /// tx.write(&(1u8, 7u16))?;
    /// assert_eq!(tx.get_ref(), &[0, 0, 0, 2, 3, 1, 0, 7]);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    pub fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> MessageWriter<W, G, E> {
        MessageWriter {
            out: self.out,
            encoder: self.encoder.map_framing(f),
        }
    }
}

impl<W: Write, F: FrameEncoder, E: Encoding> MessageWriter<W, F, E> {
    /// Sends what is already queued, then encodes `message`, frames it and
    /// writes it. `Ok` means the message is queued: written, or waiting for
    /// the writer to accept the rest.
    ///
    /// The message is encoded straight into the queue, after its frame's
    /// head, and written from there: its bytes are written once.
    ///
    /// # Errors
    /// - A [transient](crate::Error::is_transient) I/O error when earlier
    ///   bytes could not all be sent yet: the message is **not** queued
    ///   (nor encoded); call again with it once the writer is ready.
    /// - The encoding's and the framing's errors: nothing is queued.
    /// - Any other I/O error: the connection is broken.
    #[inline]
    pub fn write<T: ?Sized + Serialize>(&mut self, message: &T) -> Result<()> {
        self.out.send()?;
        self.encoder.encode(message, &mut self.out.queue)?;
        queued(self.out.send())
    }

    /// Encodes and frames `message` into the queue without writing; the
    /// next [`MessageWriter::write`] or [`MessageWriter::flush`] sends it.
    ///
    /// # Errors
    /// The encoding's and the framing's errors; nothing is queued then.
    pub fn queue<T: ?Sized + Serialize>(&mut self, message: &T) -> Result<()> {
        self.encoder.encode(message, &mut self.out.queue)
    }

    /// Writes every queued byte, then flushes the underlying writer.
    ///
    /// # Errors
    /// As [`FrameWriter::flush`].
    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()
    }
}

impl<W: fmt::Debug, F: fmt::Debug> fmt::Debug for FrameWriter<W, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameWriter")
            .field("inner", &self.out.inner)
            .field("framing", &self.framing)
            .field("pending", &self.out.queue.len())
            .field("position", &self.out.written)
            .finish()
    }
}

impl<W: fmt::Debug, F: fmt::Debug, E: fmt::Debug> fmt::Debug for MessageWriter<W, F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageWriter")
            .field("inner", &self.out.inner)
            .field("encoder", &self.encoder)
            .field("pending", &self.out.queue.len())
            .field("position", &self.out.written)
            .finish()
    }
}
