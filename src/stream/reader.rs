//! [`FrameReader`]: frames out of any [`Read`], through one reusable buffer.

use std::fmt;
use std::io::{self, Read};

use bytes::{Bytes, BytesMut};

use crate::error::{Error, Result};
use crate::frame::{FrameDecoder, Span};
use crate::message::buffer::{DEFAULT_CHUNK, ReadBuffer};
use crate::message::framing_span;

/// Reads frames from any [`Read`]: a socket, a file, a `&[u8]`.
///
/// The reader asks the underlying reader for large chunks (8 KiB by default,
/// more while a large frame is arriving) and keeps them in one buffer. The
/// framing splits complete frames off its front; bytes that belong to the
/// next frame stay there for the next call. Frames are [`Bytes`] views into
/// the buffer: no copy. Once every frame handed out from a chunk has been
/// dropped, the buffer's memory is reused.
///
/// # What it takes care of
/// - A `read` returns whatever has arrived: a header split across two reads,
///   a frame split across many, or several frames in one read all work.
/// - [`io::ErrorKind::Interrupted`] is retried.
/// - [`io::ErrorKind::WouldBlock`] (a non-blocking socket with nothing to
///   read) and [`io::ErrorKind::TimedOut`] (or `WouldBlock`, depending on the
///   platform, from a blocking socket with a read timeout) are returned as
///   [`ErrorKind::Io`](crate::ErrorKind::Io) **with all state kept**: call again when the socket is
///   readable and the same frame continues.
/// - A `read` of 0 bytes is the end of the stream: `Ok(None)` at a frame
///   boundary, [`ErrorKind::Truncated`](crate::ErrorKind::Truncated) in the middle of a frame.
///
/// After any other error (a malformed header, a frame over the limit, a
/// connection reset) the stream is not in a known state; drop the reader.
///
/// # Memory
/// One buffer, taken as reads need it: 8 KiB, more while a large message
/// arrives. A buffer that grew past 64 KiB is replaced by an 8 KiB one as
/// soon as its large frame is taken, and a read that would block
/// (`WouldBlock`, `TimedOut`) while nothing is buffered gives the buffer
/// back, so a non-blocking connection idle between messages holds no
/// buffer (the next read takes a new one: one allocation per wait, none
/// per frame). A blocking read holds its 8 KiB while it waits.
/// Frames handed out keep their part of a buffer alive until dropped.
///
/// # Example
/// ```
/// use netwire::frame::LengthPrefixed;
/// use netwire::stream::FrameReader;
///
/// // Two frames with a one-byte length header; any `Read` works.
/// let input: &[u8] = &[3, b'a', b'b', b'c', 1, b'z'];
/// let mut rx = FrameReader::new(input, LengthPrefixed::u8());
/// assert_eq!(rx.read_frame()?.unwrap(), &b"abc"[..]);
/// assert_eq!(rx.read_frame()?.unwrap(), &b"z"[..]);
/// assert_eq!(rx.read_frame()?, None); // clean end of stream
/// # Ok::<(), netwire::Error>(())
/// ```
pub struct FrameReader<R, F> {
    inner: R,
    framing: F,
    buf: ReadBuffer,
    /// Stream offset of the first byte of `buf.data()`.
    position: u64,
    /// The framing said it needs more bytes than the buffer holds.
    need_read: bool,
}

impl<R, F> FrameReader<R, F> {
    /// A reader that splits `reader`'s bytes into frames with `framing`.
    pub fn new(reader: R, framing: F) -> Self {
        Self::with_capacity(DEFAULT_CHUNK, reader, framing)
    }

    /// As [`FrameReader::new`], reading at least `chunk` bytes per call,
    /// clamped to between 64 bytes and
    /// [`DEFAULT_LIMIT`](crate::frame::DEFAULT_LIMIT) (16 MiB): memory is
    /// only reserved as reads need it, so no value can make the reader fail
    /// to allocate up front.
    ///
    /// ```
    /// use netwire::frame::LengthPrefixed;
    /// use netwire::stream::FrameReader;
    ///
    /// let input: &[u8] = &[1, b'x'];
    /// let mut rx = FrameReader::with_capacity(usize::MAX, input, LengthPrefixed::u8());
    /// assert_eq!(rx.read_frame()?.unwrap(), &b"x"[..]);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    pub fn with_capacity(chunk: usize, reader: R, framing: F) -> Self {
        FrameReader {
            inner: reader,
            framing,
            buf: ReadBuffer::new(chunk),
            position: 0,
            need_read: false,
        }
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The underlying reader, mutably (to set a timeout, say). Reading from
    /// it directly takes bytes away from the frames.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The framing, with whatever state it keeps.
    pub fn framing(&self) -> &F {
        &self.framing
    }

    /// Bytes read from the underlying reader that no frame has taken yet
    /// (the start of the next frame, or more).
    pub fn buffer(&self) -> &[u8] {
        self.buf.data()
    }

    /// Stream offset of the first byte in [`FrameReader::buffer`]: how many
    /// bytes the frames returned so far occupied, headers included.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Returns the underlying reader. Buffered bytes are lost; see
    /// [`FrameReader::into_parts`].
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Returns the underlying reader and the bytes read from it that no
    /// frame has taken yet, for handing the connection to other code.
    pub fn into_parts(self) -> (R, BytesMut) {
        (self.inner, self.buf.into_bytes())
    }

    /// Goes on with another framing, keeping the bytes read so far and the
    /// stream position: for a protocol whose first exchange (a handshake)
    /// is framed otherwise than what follows. Call it between frames.
    ///
    /// ```
    /// use netwire::frame::{Delimited, LengthPrefixed};
    /// use netwire::stream::FrameReader;
    ///
    /// // A greeting line, then length-prefixed frames, all in one read.
    /// let input: &[u8] = b"HELLO 1\n\x02hi";
    /// let mut rx = FrameReader::new(input, Delimited::lines());
    /// assert_eq!(rx.read_frame()?.unwrap(), &b"HELLO 1"[..]);
    /// let mut rx = rx.map_framing(|_| LengthPrefixed::u8());
    /// assert_eq!(rx.read_frame()?.unwrap(), &b"hi"[..]);
    /// assert_eq!(rx.position(), 11);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    pub fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> FrameReader<R, G> {
        let (inner, framing, buf, position) = self.into_raw();
        FrameReader::from_raw(inner, f(framing), buf, position)
    }

    /// The reader taken apart, for the message reader built on it.
    pub(crate) fn into_raw(self) -> (R, F, ReadBuffer, u64) {
        (self.inner, self.framing, self.buf, self.position)
    }

    /// A reader at stream offset `position` with `buf` already read.
    pub(crate) fn from_raw(inner: R, framing: F, mut buf: ReadBuffer, position: u64) -> Self {
        buf.cap_reads(usize::MAX);
        FrameReader {
            inner,
            framing,
            buf,
            position,
            // The framing may find a frame in what is buffered.
            need_read: false,
        }
    }
}

/// One `read` call into `room` (retried on `Interrupted`); returns how
/// many bytes arrived, 0 at the end of the stream. `at` is the stream
/// offset of `room`, for the error.
#[inline(never)]
pub(crate) fn read_into<R: Read + ?Sized>(
    reader: &mut R,
    room: &mut [u8],
    at: u64,
) -> Result<usize> {
    let len = room.len();
    loop {
        match reader.read(room) {
            Ok(n) => return Ok(n.min(len)),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Error::io(err, Some(at))),
        }
    }
}

/// Reads into `buf` until `find` (the framing asked where the next frame
/// lies in the data, `true` once the input has ended) gives a span, or
/// the input ends between frames (`Ok(None)`). After "need more", `find`
/// is asked again only once new bytes (or the end) have come: a retry
/// after `WouldBlock` goes straight to the read. `position` is the stream
/// offset of the data.
pub(crate) fn read_span<R: Read + ?Sized>(
    reader: &mut R,
    buf: &mut ReadBuffer,
    need_read: &mut bool,
    position: u64,
    mut find: impl FnMut(&[u8], bool) -> Result<Option<Span>>,
) -> Result<Option<Span>> {
    let mut eof = false;
    loop {
        if !*need_read || eof {
            match find(buf.data(), eof)? {
                Some(span) => return Ok(Some(span)),
                None if eof => return Ok(None),
                None => *need_read = true,
            }
        }
        let at = position.saturating_add(buf.data().len() as u64);
        let n = read_into(reader, buf.room(), at).inspect_err(|err| {
            if err.is_transient() {
                buf.release_if_empty();
            }
        })?;
        buf.commit(n);
        *need_read = false;
        eof = n == 0;
    }
}

impl<R: Read, F: FrameDecoder> FrameReader<R, F> {
    /// Reads the next frame's payload.
    ///
    /// Returns `Ok(None)` when the stream ends between frames.
    ///
    /// # Errors
    /// - [`ErrorKind::Io`](crate::ErrorKind::Io) from the underlying reader.
    ///   For `WouldBlock` and `TimedOut` nothing is lost: call again later
    ///   to continue the frame.
    /// - [`ErrorKind::Truncated`](crate::ErrorKind::Truncated) when the
    ///   stream ends inside a frame, with the bytes of it that arrived and,
    ///   once its header was read, the frame's size.
    /// - The framing's errors
    ///   ([`ErrorKind::LengthOverLimit`](crate::ErrorKind::LengthOverLimit),
    ///   [`ErrorKind::InvalidHeader`](crate::ErrorKind::InvalidHeader), ...).
    ///
    /// Offsets are stream offsets.
    pub fn read_frame(&mut self) -> Result<Option<Bytes>> {
        let (framing, position) = (&mut self.framing, self.position);
        let span = read_span(
            &mut self.inner,
            &mut self.buf,
            &mut self.need_read,
            position,
            |data, eof| framing_span(framing, data, eof).map_err(|err| err.at_base(position)),
        )?;
        span.map(|span| self.take(span)).transpose()
    }

    /// Splits the frame `span` found at the front of the buffer off it.
    fn take(&mut self, span: Span) -> Result<Bytes> {
        let len = span.len;
        let frame = self.buf.split_frame(span, self.framing.gap())?;
        self.position = self.position.saturating_add(len as u64);
        Ok(frame)
    }
}

impl<R: fmt::Debug, F: fmt::Debug> fmt::Debug for FrameReader<R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameReader")
            .field("inner", &self.inner)
            .field("framing", &self.framing)
            .field("buffered", &self.buf.data().len())
            .field("position", &self.position)
            .finish()
    }
}
