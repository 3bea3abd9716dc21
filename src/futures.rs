//! Typed messages over any futures-io [`AsyncRead`] / [`AsyncWrite`]
//! (feature `futures`), whatever the runtime: smol, async-std, or tokio
//! through `tokio_util::compat`.
//!
//! [`MessageReader`] and [`MessageWriter`] are the async twins of
//! [`stream::MessageReader`](crate::stream::MessageReader) and
//! [`stream::MessageWriter`](crate::stream::MessageWriter): the same
//! framing × encoding, the same limits, errors and offsets, because they
//! are the same [message layer](crate::message) with a `poll_read` or
//! `poll_write` where the others call `read` or `write`. This module moves
//! bytes and nothing else.
//!
//! **Cancellation is safe.** Dropping a [`MessageReader::read`] future
//! loses nothing: the bytes read so far stay buffered and the next call
//! goes on with the same message. A [`MessageWriter::write`] future queues
//! the whole message before its first await; dropped later, the rest of
//! the message is sent by the next `write` or `flush`, never twice.
//!
//! ```
//! use netwire::frame::LengthPrefixed;
//! use netwire::futures::{MessageReader, MessageWriter};
//!
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop {
//! #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
//! #     }
//! # }
//! block_on(async {
//!     // Any AsyncWrite: a TCP stream of your runtime, or a Vec<u8>.
//!     let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u16());
//!     tx.write(&(7u16, "hi")).await?;
//!     tx.flush().await?;
//!     let wire = tx.into_inner();
//!     assert_eq!(wire, [0, 8, 0, 7, 0, 0, 0, 2, b'h', b'i']);
//!
//!     let mut rx = MessageReader::new(&wire[..], LengthPrefixed::u16());
//!     assert_eq!(rx.read::<(u16, String)>().await?, Some((7, "hi".to_string())));
//!     assert_eq!(rx.read::<(u16, String)>().await?, None);
//!     Ok::<(), netwire::Error>(())
//! })?;
//! # Ok::<(), netwire::Error>(())
//! ```

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_io::{AsyncRead, AsyncWrite};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::encoding::Encoding;
use crate::error::{Error, Result};
use crate::frame::FrameEncoder;
use crate::message::buffer::{DEFAULT_CHUNK, ReadBuffer, Received, Receiver, Sender};
use crate::message::{MessageDecoder, MessageEncoder, MessageFraming};
use crate::net;

/// Reads typed messages from any [`AsyncRead`]: framing × encoding.
///
/// As [`stream::MessageReader`](crate::stream::MessageReader): large reads
/// into one reusable buffer, `Interrupted` retried, `Ok(None)` only at a
/// clean end of stream, a bad message in a complete frame consumed with it.
///
/// # Memory
/// When the underlying reader returns `Pending` and nothing is buffered,
/// the buffer is given back: a connection waiting for its next message
/// holds none (the next read takes a new 8 KiB one: one allocation per
/// wait, none per message). A buffer that grew past 64 KiB for a large
/// message is replaced by an 8 KiB one once that message is consumed.
pub struct MessageReader<R, F, E = net::Config> {
    rx: Receiver<R, F, E>,
}

impl<R, F> MessageReader<R, F> {
    /// A reader of messages in the default [`net`] encoding, framed by
    /// `framing`.
    pub fn new(reader: R, framing: F) -> Self {
        Self::with_encoding(reader, framing, net::Config::default())
    }
}

impl<R, F, E> MessageReader<R, F, E> {
    /// A reader of messages in `encoding`, framed by `framing`.
    pub fn with_encoding(reader: R, framing: F, encoding: E) -> Self {
        Self::with_decoder(reader, MessageDecoder::with_encoding(framing, encoding))
    }

    /// A reader that decodes with `decoder`.
    pub fn with_decoder(reader: R, decoder: MessageDecoder<F, E>) -> Self {
        MessageReader {
            rx: Receiver::new(reader, ReadBuffer::new(DEFAULT_CHUNK), decoder),
        }
    }

    crate::message::buffer::receiver_accessors!();

    /// Returns the underlying reader; buffered bytes are lost.
    pub fn into_inner(self) -> R {
        self.rx.inner
    }

    /// Goes on with another framing, keeping the bytes read so far.
    pub fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> MessageReader<R, G, E> {
        MessageReader {
            rx: self.rx.map_framing(f),
        }
    }
}

impl<R: AsyncRead + Unpin, F: MessageFraming, E: Encoding> MessageReader<R, F, E> {
    /// Reads and decodes the next message; `Ok(None)` when the stream ends
    /// between messages. Cancel-safe.
    ///
    /// # Errors
    /// As [`stream::MessageReader::read`](crate::stream::MessageReader::read).
    pub async fn read<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        poll_fn(|cx| self.poll_read(cx)).await
    }

    /// The poll form of [`MessageReader::read`], for hand-written futures
    /// and streams.
    ///
    /// # Errors
    /// As [`MessageReader::read`].
    pub fn poll_read<T: DeserializeOwned>(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<T>>> {
        if let Some(message) = self.rx.buffered()? {
            return Poll::Ready(Ok(Some(message)));
        }
        loop {
            let (reader, room, at) = self.rx.room();
            let len = room.len();
            let n = match Pin::new(reader).poll_read(cx, room) {
                Poll::Ready(Ok(n)) => n.min(len),
                Poll::Ready(Err(err)) if err.kind() == io::ErrorKind::Interrupted => continue,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(Error::io(err, Some(at)))),
                Poll::Pending => {
                    self.rx.waiting();
                    return Poll::Pending;
                }
            };
            match self.rx.arrived(n)? {
                Received::Message(message) => return Poll::Ready(Ok(Some(message))),
                Received::End => return Poll::Ready(Ok(None)),
                Received::NeedMore => {}
            }
        }
    }
}

/// Writes typed messages to any [`AsyncWrite`]: framing × encoding.
///
/// Each message is encoded straight into the writer's queue after its
/// frame's head ([`MessageEncoder`]) and written from there. `Interrupted`
/// is retried, a write of 0 bytes is [`io::ErrorKind::WriteZero`].
/// Nothing is written on drop: [`flush`](Self::flush) or
/// [`close`](Self::close) first.
///
/// [`queue`](Self::queue) adds a message without writing, so a batch
/// leaves in one `poll_write` at the next [`flush`](Self::flush) or
/// [`write`](Self::write). The queue is reused from message to message
/// and let go once sent if it grew past 64 KiB, as
/// [`stream::MessageWriter`](crate::stream::MessageWriter)'s.
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

    crate::message::buffer::sender_accessors!();

    /// Returns the underlying writer; pending bytes are dropped.
    pub fn into_inner(self) -> W {
        self.out.inner
    }

    /// Goes on with another framing; queued bytes stay queued, in order.
    pub fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> MessageWriter<W, G, E> {
        MessageWriter {
            out: self.out,
            encoder: self.encoder.map_framing(f),
        }
    }
}

impl<W: AsyncWrite + Unpin, F: FrameEncoder, E: Encoding> MessageWriter<W, F, E> {
    /// Encodes and frames `message`, then writes everything queued.
    /// The message is queued before the first await (see the
    /// [cancellation](self) rules).
    ///
    /// # Errors
    /// The encoding's and the framing's errors (nothing is queued then),
    /// and I/O errors.
    pub async fn write<T: ?Sized + Serialize>(&mut self, message: &T) -> Result<()> {
        self.queue(message)?;
        poll_fn(|cx| self.poll_send(cx)).await
    }

    /// Encodes and frames `message` into the queue without writing.
    ///
    /// # Errors
    /// The encoding's and the framing's errors; nothing is queued then.
    pub fn queue<T: ?Sized + Serialize>(&mut self, message: &T) -> Result<()> {
        self.encoder.encode(message, &mut self.out.queue)
    }

    /// Writes every queued byte, then flushes the underlying writer.
    ///
    /// # Errors
    /// I/O errors.
    pub async fn flush(&mut self) -> Result<()> {
        poll_fn(|cx| self.poll_flush(cx)).await
    }

    /// Flushes, then closes the underlying writer.
    ///
    /// # Errors
    /// I/O errors.
    pub async fn close(&mut self) -> Result<()> {
        self.flush().await?;
        let tx = &mut self.out;
        poll_fn(|cx| Pin::new(&mut tx.inner).poll_close(cx))
            .await
            .map_err(|err| tx.failed(err))
    }

    /// Writes the queue until it is empty.
    ///
    /// # Errors
    /// I/O errors.
    pub fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let tx = &mut self.out;
        while !tx.queue.is_empty() {
            match ready!(Pin::new(&mut tx.inner).poll_write(cx, &tx.queue)) {
                Ok(n) => tx.accepted(n)?,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Poll::Ready(Err(tx.failed(err))),
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Writes the queue, then flushes the underlying writer.
    ///
    /// # Errors
    /// I/O errors.
    pub fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        ready!(self.poll_send(cx))?;
        let tx = &mut self.out;
        loop {
            match ready!(Pin::new(&mut tx.inner).poll_flush(cx)) {
                Ok(()) => return Poll::Ready(Ok(())),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Poll::Ready(Err(tx.failed(err))),
            }
        }
    }
}

impl<R: fmt::Debug, F: fmt::Debug, E: fmt::Debug> fmt::Debug for MessageReader<R, F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageReader")
            .field("inner", &self.rx.inner)
            .field("decoder", &self.rx.decoder)
            .field("buffered", &self.rx.buf.data().len())
            .finish()
    }
}

impl<W: fmt::Debug, F: fmt::Debug, E: fmt::Debug> fmt::Debug for MessageWriter<W, F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageWriter")
            .field("inner", &self.out.inner)
            .field("encoder", &self.encoder)
            .field("pending", &self.out.queue.len())
            .finish()
    }
}
