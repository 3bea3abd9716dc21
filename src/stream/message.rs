//! [`MessageReader`]: typed messages out of any [`Read`], and iterators over
//! them.

use std::fmt;
use std::io::Read;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::reader::{FrameReader, read_into, read_span};
use crate::encoding::Encoding;
use crate::error::Result;
use crate::frame::FrameDecoder;
use crate::message::buffer::{DEFAULT_CHUNK, ReadBuffer, Received, Receiver};
use crate::message::{MessageDecoder, MessageFraming};
use crate::net;

/// Reads typed messages from any [`Read`]: framing × encoding.
///
/// The framing is a [`FrameDecoder`] (each message is one frame's payload)
/// or [`SelfDelimited`](crate::message::SelfDelimited) (messages back to back,
/// the encoding finds each end). Reading works as in [`FrameReader`]: large
/// reads into one reusable buffer, `Interrupted` retried, `WouldBlock` and
/// `TimedOut` returned with all state kept so that calling again continues
/// the same message, `Ok(None)` only at a clean end of stream and
/// [`ErrorKind::Truncated`](crate::ErrorKind::Truncated) in the middle of a message.
///
/// A message that fails to decode is consumed with its frame: the next call
/// reads the next frame, so one bad message does not desynchronise a framed
/// stream. (With `SelfDelimited` there is no way to know where a bad message
/// ends; drop the reader.)
///
/// # Memory
/// One buffer, taken as reads need it: 8 KiB, more while a large message
/// arrives. A buffer that grew past 64 KiB is replaced by an 8 KiB one as
/// soon as its large message is consumed, and a read that would block
/// (`WouldBlock`, `TimedOut`) while nothing is buffered gives the buffer
/// back, so a non-blocking connection idle between messages holds no
/// buffer (the next read takes a new one: one allocation per wait, none
/// per message). A blocking read holds its 8 KiB while it waits.
///
/// # Example
/// ```
/// use netwire::frame::LengthPrefixed;
/// use netwire::stream::MessageReader;
///
/// // u16 length header, then a `net` encoded (u8, u16) tuple.
/// let input: &[u8] = &[0, 3, 1, 0, 2, 0, 3, 3, 0, 4];
/// let mut rx = MessageReader::new(input, LengthPrefixed::u16());
/// assert_eq!(rx.read::<(u8, u16)>()?, Some((1, 2)));
/// assert_eq!(rx.read::<(u8, u16)>()?, Some((3, 4)));
/// assert_eq!(rx.read::<(u8, u16)>()?, None);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// Another encoding, and no framing: `ascii` messages end with their own
/// line end, which the decoder finds (a `\n` inside a string is not one).
/// ```
/// use netwire::{ascii, message::SelfDelimited, stream::MessageReader};
///
/// let input: &[u8] = b"1 3:a\nb\n0 0:\n";
/// let mut rx = MessageReader::with_encoding(input, SelfDelimited::new(), ascii::Config::new());
/// assert_eq!(rx.read::<(bool, String)>()?, Some((true, "a\nb".to_string())));
/// assert_eq!(rx.read::<(bool, String)>()?, Some((false, String::new())));
/// assert_eq!(rx.read::<(bool, String)>()?, None);
/// # Ok::<(), netwire::Error>(())
/// ```
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
    /// A reader of messages in `encoding` (such as
    /// [`ascii::Config`](crate::ascii::Config)), framed by `framing`.
    pub fn with_encoding(reader: R, framing: F, encoding: E) -> Self {
        Self::with_decoder(reader, MessageDecoder::with_encoding(framing, encoding))
    }

    /// A reader that decodes with `decoder` (a [`MessageDecoder`] that may
    /// have decoded earlier input already: its position goes on).
    pub fn with_decoder(reader: R, decoder: MessageDecoder<F, E>) -> Self {
        MessageReader {
            rx: Receiver::new(reader, ReadBuffer::new(DEFAULT_CHUNK), decoder),
        }
    }

    /// A message reader on top of `frames` (say, one made with
    /// [`FrameReader::with_capacity`], or one that has already read a
    /// handshake frame); its buffered bytes and position are kept.
    pub fn from_frame_reader(frames: FrameReader<R, F>, encoding: E) -> Self {
        let (inner, framing, buf, position) = frames.into_raw();
        let decoder = MessageDecoder::with_encoding(framing, encoding).starting_at(position);
        MessageReader {
            rx: Receiver::new(inner, buf, decoder),
        }
    }

    crate::message::buffer::receiver_accessors!();

    /// Returns the underlying reader; buffered bytes are lost (see
    /// [`MessageReader::into_frame_reader`]).
    pub fn into_inner(self) -> R {
        self.rx.inner
    }

    /// Returns the frame reader underneath, buffered bytes included.
    pub fn into_frame_reader(self) -> FrameReader<R, F> {
        let rx = self.rx;
        let position = rx.decoder.position();
        let (framing, _) = rx.decoder.into_parts();
        FrameReader::from_raw(rx.inner, framing, rx.buf, position)
    }

    /// Goes on with another framing, keeping the bytes read so far: a
    /// handshake in one layout, then messages in another. Call it between
    /// messages.
    ///
    /// ```
    /// use netwire::frame::{FixedLength, LengthPrefixed};
    /// use netwire::stream::MessageReader;
    ///
    /// // A 4-byte greeting (a u32 version), then u8-length frames.
    /// let input: &[u8] = &[0, 0, 0, 2, 3, 1, 0, 7];
    /// let mut rx = MessageReader::new(input, FixedLength::new(4));
    /// assert_eq!(rx.read::<u32>()?, Some(2));
    /// let mut rx = rx.map_framing(|_| LengthPrefixed::u8());
    /// assert_eq!(rx.read::<(u8, u16)>()?, Some((1, 7)));
    /// assert_eq!(rx.read::<(u8, u16)>()?, None);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    pub fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> MessageReader<R, G, E> {
        MessageReader {
            rx: self.rx.map_framing(f),
        }
    }
}

impl<R: Read, F: MessageFraming, E: Encoding> MessageReader<R, F, E> {
    /// Reads and decodes the next message.
    ///
    /// Returns `Ok(None)` when the stream ends between messages.
    ///
    /// # Errors
    /// As [`FrameReader::read_frame`], plus the encoding's errors with
    /// stream offsets (for a framed message: the payload's start in the
    /// stream plus the offset inside the payload).
    #[inline]
    pub fn read<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        // Hot path: the message is already buffered.
        if let Some(message) = self.rx.buffered()? {
            return Ok(Some(message));
        }
        self.read_more()
    }

    /// The rest of [`MessageReader::read`]: read, decode again, until a
    /// message, the end of the stream or an error.
    fn read_more<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        loop {
            let (reader, room, at) = self.rx.room();
            let n = read_into(reader, room, at).inspect_err(|err| {
                if err.is_transient() {
                    self.rx.waiting();
                }
            })?;
            match self.rx.arrived(n)? {
                Received::Message(message) => return Ok(Some(message)),
                Received::End => return Ok(None),
                Received::NeedMore => {}
            }
        }
    }

    /// An iterator over the messages, as `Result<T>`; it ends at the end of
    /// the stream and after any error other than `WouldBlock`, `TimedOut` or
    /// `Interrupted` (after those it may be polled again).
    pub fn messages<T: DeserializeOwned>(&mut self) -> Messages<'_, R, F, E, T> {
        Messages {
            reader: self,
            done: false,
            _type: PhantomData,
        }
    }

    /// As [`MessageReader::messages`], owning the reader.
    pub fn into_messages<T: DeserializeOwned>(self) -> IntoMessages<R, F, E, T> {
        IntoMessages {
            reader: self,
            done: false,
            _type: PhantomData,
        }
    }
}

impl<R: Read, F: FrameDecoder, E: Encoding> MessageReader<R, F, E> {
    /// Reads the next message as a type that may borrow from the reader's
    /// buffer (`&str`, `&[u8]` with `serde_bytes`, ...): decoded in place,
    /// no copy. The value borrows the reader until it is dropped.
    ///
    /// Only framed streams offer this: the frame tells that a message is
    /// whole before it is decoded. With
    /// [`SelfDelimited`](crate::message::SelfDelimited) only decoding tells,
    /// and a decoded value cannot borrow the buffer while more is read into
    /// it; read owned types there (or use a
    /// [`MessageDecoder`] on your own buffer).
    ///
    /// ```
    /// use netwire::frame::LengthPrefixed;
    /// use netwire::stream::MessageReader;
    ///
    /// let input: &[u8] = &[0, 6, 0, 0, 0, 2, b'h', b'i'];
    /// let mut rx = MessageReader::new(input, LengthPrefixed::u16());
    /// let text: &str = rx.read_borrowed()?.unwrap();
    /// assert_eq!(text, "hi");
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`MessageReader::read`].
    pub fn read_borrowed<'a, T: Deserialize<'a>>(&'a mut self) -> Result<Option<T>> {
        let rx = &mut self.rx;
        let position = rx.decoder.position();
        let decoder = &mut rx.decoder;
        let found = read_span(
            &mut rx.inner,
            &mut rx.buf,
            &mut rx.need_read,
            position,
            |data, eof| decoder.next_frame(data, eof),
        )?;
        let Some(span) = found else {
            return Ok(None);
        };
        let frame = rx.buf.take(span.len);
        let (message, _) = rx.decoder.decode_frame::<T>(frame, &span);
        message.map(Some)
    }
}

/// Iterator over a [`MessageReader`]'s messages; see
/// [`MessageReader::messages`].
pub struct Messages<'r, R, F, E, T> {
    reader: &'r mut MessageReader<R, F, E>,
    done: bool,
    _type: PhantomData<fn() -> T>,
}

impl<R: Read, F: MessageFraming, E: Encoding, T: DeserializeOwned> Iterator
    for Messages<'_, R, F, E, T>
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        next_message(self.reader, &mut self.done)
    }
}

/// Owning iterator over a [`MessageReader`]'s messages; see
/// [`MessageReader::into_messages`].
pub struct IntoMessages<R, F, E, T> {
    reader: MessageReader<R, F, E>,
    done: bool,
    _type: PhantomData<fn() -> T>,
}

impl<R, F, E, T> IntoMessages<R, F, E, T> {
    /// Returns the reader.
    pub fn into_inner(self) -> MessageReader<R, F, E> {
        self.reader
    }
}

impl<R: Read, F: MessageFraming, E: Encoding, T: DeserializeOwned> Iterator
    for IntoMessages<R, F, E, T>
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        next_message(&mut self.reader, &mut self.done)
    }
}

fn next_message<R: Read, F: MessageFraming, E: Encoding, T: DeserializeOwned>(
    reader: &mut MessageReader<R, F, E>,
    done: &mut bool,
) -> Option<Result<T>> {
    if *done {
        return None;
    }
    match reader.read::<T>() {
        Ok(Some(value)) => Some(Ok(value)),
        Ok(None) => {
            *done = true;
            None
        }
        Err(err) => {
            *done = !err.is_transient();
            Some(Err(err))
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

impl<R: fmt::Debug, F: fmt::Debug, E: fmt::Debug, T> fmt::Debug for Messages<'_, R, F, E, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Messages")
            .field("reader", &self.reader)
            .finish()
    }
}

impl<R: fmt::Debug, F: fmt::Debug, E: fmt::Debug, T> fmt::Debug for IntoMessages<R, F, E, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoMessages")
            .field("reader", &self.reader)
            .finish()
    }
}
