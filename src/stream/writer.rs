//! [`FrameWriter`] and [`MessageWriter`]: frames and typed messages into any
//! [`Write`].

use std::fmt;
use std::io::{self, IoSlice, Write};

use bytes::{Buf, BytesMut};
use serde::Serialize;

use crate::encoding::Encoding;
use crate::error::{Error, Result};
use crate::frame::FrameEncoder;
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
    inner: W,
    framing: F,
    /// Encoded bytes not yet accepted by `inner`.
    queue: BytesMut,
    /// Scratch space for a large payload's tail.
    tail: BytesMut,
    /// Bytes `inner` has accepted so far.
    written: u64,
}

impl<W, F> FrameWriter<W, F> {
    /// A writer that frames payloads with `framing` and writes them to
    /// `writer`.
    pub fn new(writer: W, framing: F) -> Self {
        FrameWriter {
            inner: writer,
            framing,
            queue: BytesMut::new(),
            tail: BytesMut::new(),
            written: 0,
        }
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The underlying writer, mutably. Writing to it directly while bytes
    /// are [pending](FrameWriter::pending) interleaves them with a frame.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The framing.
    pub fn framing(&self) -> &F {
        &self.framing
    }

    /// Bytes queued but not yet accepted by the underlying writer.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Bytes the underlying writer has accepted so far.
    pub fn position(&self) -> u64 {
        self.written
    }

    /// Returns the underlying writer. [Pending](FrameWriter::pending) bytes
    /// are dropped: flush first, or use [`FrameWriter::into_parts`].
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Returns the underlying writer and the bytes still queued for it.
    pub fn into_parts(self) -> (W, BytesMut) {
        (self.inner, self.queue)
    }

    /// Goes on with another framing; queued bytes stay queued, in order.
    pub fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> FrameWriter<W, G> {
        FrameWriter {
            inner: self.inner,
            framing: f(self.framing),
            queue: self.queue,
            tail: self.tail,
            written: self.written,
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
        self.send_queue()?;
        self.write_after_drain(payload)
    }

    /// [`FrameWriter::write_frame`] once the queue has been sent.
    #[inline]
    pub(crate) fn write_after_drain(&mut self, payload: &[u8]) -> Result<()> {
        if payload.len() < VECTORED_MIN {
            self.queue_frame(payload)?;
            return queued(self.send_queue());
        }
        self.tail.clear();
        if let Err(err) = self
            .framing
            .encode_head(payload, &mut self.queue)
            .and_then(|()| self.framing.encode_tail(payload, &mut self.tail))
        {
            self.queue.clear();
            return Err(err);
        }
        queued(self.send_vectored(payload))
    }

    /// Sends what is already queued; a transient error means some is left.
    #[inline]
    pub(crate) fn drain(&mut self) -> Result<()> {
        if self.queue.is_empty() {
            return Ok(());
        }
        self.send_queue()
    }

    /// Frames `payload` into the queue without writing anything.
    ///
    /// # Errors
    /// The framing's errors; nothing is queued then.
    pub fn queue_frame(&mut self, payload: &[u8]) -> Result<()> {
        let mark = self.queue.len();
        self.framing
            .encode(payload, &mut self.queue)
            .inspect_err(|_| {
                self.queue.truncate(mark);
            })
    }

    /// Writes every queued byte, then flushes the underlying writer.
    ///
    /// # Errors
    /// An [`ErrorKind::Io`](crate::ErrorKind::Io) from the writer; after
    /// `WouldBlock`/`TimedOut` the unsent bytes stay queued.
    pub fn flush(&mut self) -> Result<()> {
        self.send_queue()?;
        loop {
            match self.inner.flush() {
                Ok(()) => return Ok(()),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(Error::io(err, Some(self.written))),
            }
        }
    }

    /// Writes the queue until it is empty.
    fn send_queue(&mut self) -> Result<()> {
        while !self.queue.is_empty() {
            match self.inner.write(&self.queue) {
                Ok(n) => self.accepted(n)?,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(Error::io(err, Some(self.written))),
            }
        }
        self.queue.clear();
        Ok(())
    }

    /// Writes queue ++ payload ++ tail with vectored writes; on an error the
    /// unsent part of payload and tail joins the queue.
    fn send_vectored(&mut self, payload: &[u8]) -> Result<()> {
        let mut body = payload;
        loop {
            if self.queue.is_empty() && body.is_empty() {
                return self.send_queue_tail();
            }
            let parts = [
                IoSlice::new(&self.queue),
                IoSlice::new(body),
                IoSlice::new(&self.tail),
            ];
            match self.inner.write_vectored(&parts) {
                Ok(0) => {
                    let err = self.write_zero();
                    self.keep(body);
                    return Err(err);
                }
                Ok(n) => {
                    self.written = self.written.saturating_add(n as u64);
                    let from_queue = n.min(self.queue.len());
                    self.queue.advance(from_queue);
                    let from_body = (n - from_queue).min(body.len());
                    body = body.get(from_body..).unwrap_or_default();
                    let from_tail = (n - from_queue - from_body).min(self.tail.len());
                    self.tail.advance(from_tail);
                    if self.queue.is_empty() && body.is_empty() {
                        return self.send_queue_tail();
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    self.keep(body);
                    return Err(Error::io(err, Some(self.written)));
                }
            }
        }
    }

    /// Moves what is left of the tail into the queue and sends the queue.
    fn send_queue_tail(&mut self) -> Result<()> {
        self.keep(&[]);
        self.send_queue()
    }

    /// Appends the unsent rest of a large frame to the queue.
    fn keep(&mut self, body: &[u8]) {
        self.queue.extend_from_slice(body);
        self.queue.extend_from_slice(&self.tail);
        self.tail.clear();
    }

    fn accepted(&mut self, n: usize) -> Result<()> {
        if n == 0 {
            return Err(self.write_zero());
        }
        let n = n.min(self.queue.len());
        self.queue.advance(n);
        self.written = self.written.saturating_add(n as u64);
        Ok(())
    }

    #[cold]
    fn write_zero(&self) -> Error {
        Error::io(
            io::Error::new(io::ErrorKind::WriteZero, "the writer accepted 0 bytes"),
            Some(self.written),
        )
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
/// Each message is encoded into a reusable buffer and written as one frame
/// with [`FrameWriter`]'s guarantees: the whole frame is written,
/// `Interrupted` is retried, `Ok(0)` is [`io::ErrorKind::WriteZero`], and
/// with a non-blocking writer [`MessageWriter::write`] returns `Ok` once
/// the message is queued, or a [transient](crate::Error::is_transient)
/// error (`WouldBlock`, `TimedOut`) when earlier bytes still wait and the
/// message was not queued: retrying the same message is always right, and
/// never sends it twice. [`MessageWriter::flush`] reports `WouldBlock`
/// while queued bytes wait.
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
    frames: FrameWriter<W, F>,
    encoding: E,
    scratch: Vec<u8>,
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
        Self::from_frame_writer(FrameWriter::new(writer, framing), encoding)
    }

    /// A message writer on top of `frames`; its queued bytes are kept.
    pub fn from_frame_writer(frames: FrameWriter<W, F>, encoding: E) -> Self {
        MessageWriter {
            frames,
            encoding,
            scratch: Vec::new(),
        }
    }

    /// The encoding messages are written in.
    pub fn encoding(&self) -> &E {
        &self.encoding
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        self.frames.get_ref()
    }

    /// The underlying writer, mutably.
    pub fn get_mut(&mut self) -> &mut W {
        self.frames.get_mut()
    }

    /// Bytes queued but not yet accepted by the underlying writer.
    pub fn pending(&self) -> usize {
        self.frames.pending()
    }

    /// Bytes the underlying writer has accepted so far.
    pub fn position(&self) -> u64 {
        self.frames.position()
    }

    /// Returns the underlying writer; [pending](MessageWriter::pending)
    /// bytes are dropped (see [`MessageWriter::into_frame_writer`]).
    pub fn into_inner(self) -> W {
        self.frames.into_inner()
    }

    /// Returns the frame writer underneath, queued bytes included.
    pub fn into_frame_writer(self) -> FrameWriter<W, F> {
        self.frames
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
            frames: self.frames.map_framing(f),
            encoding: self.encoding,
            scratch: self.scratch,
        }
    }
}

impl<W: Write, F: FrameEncoder, E: Encoding> MessageWriter<W, F, E> {
    /// Sends what is already queued, then encodes `message`, frames it and
    /// writes it. `Ok` means the message is queued: written, or waiting for
    /// the writer to accept the rest.
    ///
    /// # Errors
    /// - A [transient](crate::Error::is_transient) I/O error when earlier
    ///   bytes could not all be sent yet: the message is **not** queued
    ///   (nor encoded); call again with it once the writer is ready.
    /// - The encoding's and the framing's errors: nothing is queued.
    /// - Any other I/O error: the connection is broken.
    pub fn write<T: ?Sized + Serialize>(&mut self, message: &T) -> Result<()> {
        self.frames.drain()?;
        self.encode(message)?;
        self.frames.write_after_drain(&self.scratch)
    }

    /// Encodes and frames `message` into the queue without writing; the
    /// next [`MessageWriter::write`] or [`MessageWriter::flush`] sends it.
    ///
    /// # Errors
    /// The encoding's and the framing's errors; nothing is queued then.
    pub fn queue<T: ?Sized + Serialize>(&mut self, message: &T) -> Result<()> {
        self.encode(message)?;
        self.frames.queue_frame(&self.scratch)
    }

    /// Writes every queued byte, then flushes the underlying writer.
    ///
    /// # Errors
    /// As [`FrameWriter::flush`].
    pub fn flush(&mut self) -> Result<()> {
        self.frames.flush()
    }

    fn encode<T: ?Sized + Serialize>(&mut self, message: &T) -> Result<()> {
        self.scratch.clear();
        let result = self.encoding.encode_into(message, &mut self.scratch);
        if self.scratch.capacity() > 1 << 20 && self.scratch.len() < 1 << 16 {
            // One huge message should not pin a huge buffer forever.
            self.scratch.shrink_to(1 << 16);
        }
        result
    }
}

impl<W: fmt::Debug, F: fmt::Debug> fmt::Debug for FrameWriter<W, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameWriter")
            .field("inner", &self.inner)
            .field("framing", &self.framing)
            .field("pending", &self.queue.len())
            .field("position", &self.written)
            .finish()
    }
}

impl<W: fmt::Debug, F: fmt::Debug, E: fmt::Debug> fmt::Debug for MessageWriter<W, F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageWriter")
            .field("frames", &self.frames)
            .field("encoding", &self.encoding)
            .finish()
    }
}
