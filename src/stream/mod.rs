//! Frames and typed messages over any [`std::io::Read`] / [`std::io::Write`].
//!
//! This adapter moves bytes between a `std::io` reader or writer and the
//! IO-free layers below it, and nothing else: finding frames, limits,
//! decoding and error offsets belong to [`crate::message`] and
//! [`crate::frame`]; here are only the `read` and `write` calls, the
//! retries of `Interrupted` and the queue of bytes a writer has not taken.
//!
//! | reading             | writing             | unit                          |
//! |---------------------|---------------------|-------------------------------|
//! | [`FrameReader`]     | [`FrameWriter`]     | a frame's payload, as bytes   |
//! | [`MessageReader`]   | [`MessageWriter`]   | a typed serde message         |
//!
//! A message stream is *framing × encoding*, chosen independently: any
//! [`crate::frame`] strategy (or [`SelfDelimited`](crate::message::SelfDelimited),
//! no frame at all) with any [`Encoding`](crate::Encoding).
//!
//! # The socket traps these types handle
//! - **A read returns what has arrived, not what was sent.** A 5-byte header
//!   may come in two reads, a frame in many, and one read may carry the end
//!   of one message and the start of the next. The readers read large
//!   chunks into one buffer, split complete frames off it and keep the rest.
//! - **A write may take only part of the bytes.** The writers loop until all
//!   are written; a write of 0 bytes is [`std::io::ErrorKind::WriteZero`],
//!   not an endless loop.
//! - **A read of 0 bytes means the peer is gone.** `Ok(None)` at a message
//!   boundary, [`ErrorKind::Truncated`](crate::ErrorKind::Truncated) (with
//!   how many bytes of how many arrived, header included) in the middle of
//!   a frame, [`ErrorKind::TruncatedMessage`](crate::ErrorKind::TruncatedMessage)
//!   in the middle of a self-delimited message.
//! - **A peer can send slowly.** Every reader does work linear in the bytes
//!   received, even one byte per read: buffers keep their zeroed room, scans
//!   resume where they stopped, and each framed message is decoded once.
//! - **Nothing on the wire, nothing read.** A message that encodes to no
//!   bytes cannot be self-delimited ([`ErrorKind::EmptyMessage`](crate::ErrorKind::EmptyMessage)
//!   on both sides), so no reader can return messages without consuming
//!   bytes.
//! - **A non-blocking socket returns before doing anything.** Reading,
//!   `WouldBlock` comes back as [`ErrorKind::Io`](crate::ErrorKind::Io)
//!   with everything kept (the bytes read so far, the parsed header): call
//!   again when the socket is ready and the same message goes on. Writing,
//!   `write` returns `Ok` once the message is queued (the unsent part waits
//!   for [`MessageWriter::flush`]), and a transient error only when earlier
//!   bytes still wait and the message was not queued, so retrying the same
//!   message is always right. [`Error::is_transient`](crate::Error::is_transient)
//!   tells these from real failures.
//! - **A dead peer hangs a blocking read.** Set a timeout on the socket
//!   ([`std::net::TcpStream::set_read_timeout`]); the `WouldBlock`/`TimedOut`
//!   it produces is handled like the non-blocking case.
//! - **`EINTR`.** `Interrupted` is retried.
//!
//! # Cost
//! Reads are large (8 KiB, or as much as is buffered while a large frame
//! arrives, so memory grows with the bytes received, never with what a
//! header announces) and go into one buffer that is reused once the frames
//! handed out are dropped. [`MessageReader::read`] asks the framing where the
//! next frame lies ([`FrameDecoder::decode_span`](crate::frame::FrameDecoder::decode_span))
//! and decodes the message straight from the buffered bytes, so the only
//! allocations per message are the decoded value's own and there is no
//! reference counting per message. [`FrameReader::read_frame`] hands out
//! each frame as a zero-copy [`bytes::Bytes`] view, which costs two atomic
//! operations per frame (taking the view and dropping it).
//!
//! # Example
//! ```
//! use netwire::frame::LengthPrefixed;
//! use netwire::stream::{MessageReader, MessageWriter};
//!
//! let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u32());
//! tx.write(&(7u16, "hi"))?;
//! tx.flush()?;
//! let wire = tx.into_inner();
//! assert_eq!(wire, [0, 0, 0, 8, 0, 7, 0, 0, 0, 2, b'h', b'i']);
//!
//! let mut rx = MessageReader::new(&wire[..], LengthPrefixed::u32());
//! assert_eq!(rx.read::<(u16, String)>()?, Some((7, "hi".to_string())));
//! assert_eq!(rx.read::<(u16, String)>()?, None);
//! # Ok::<(), netwire::Error>(())
//! ```

mod message;
mod reader;
mod writer;

pub use message::{IntoMessages, MessageReader, Messages};
pub use reader::FrameReader;
pub use writer::{FrameWriter, MessageWriter};
