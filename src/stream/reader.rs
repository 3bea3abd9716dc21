//! [`FrameReader`]: frames out of any [`Read`], through one reusable buffer.

use std::fmt;
use std::io::{self, Read};

use bytes::{Bytes, BytesMut};

use crate::error::{Error, ErrorKind, Result};
use crate::frame::FrameDecoder;

/// How much a reader asks for per `read` call unless told otherwise.
pub(crate) const DEFAULT_CHUNK: usize = 8 * 1024;

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
///   [`ErrorKind::Io`] **with all state kept**: call again when the socket is
///   readable and the same frame continues.
/// - A `read` of 0 bytes is the end of the stream: `Ok(None)` at a frame
///   boundary, [`ErrorKind::Truncated`] in the middle of a frame.
///
/// After any other error (a malformed header, a frame over the limit, a
/// connection reset) the stream is not in a known state; drop the reader.
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
    /// Bytes read but not yet handed out as (part of) a frame.
    buf: BytesMut,
    /// Stream offset of `buf[0]`.
    consumed: u64,
    /// Stream offset where the frame in progress starts.
    frame_start: u64,
    /// Stream offset of the payload of the last frame handed out.
    last_payload: u64,
    /// Stream offset of `buf[0]` when the last decoding step began.
    step_base: u64,
    /// The framing said it needs more bytes than `buf` holds.
    need_read: bool,
    /// Minimum size of one `read` call.
    chunk: usize,
}

impl<R, F> FrameReader<R, F> {
    /// A reader that splits `reader`'s bytes into frames with `framing`.
    pub fn new(reader: R, framing: F) -> Self {
        Self::with_capacity(DEFAULT_CHUNK, reader, framing)
    }

    /// As [`FrameReader::new`], reading at least `chunk` bytes per call
    /// (clamped to at least 64).
    pub fn with_capacity(chunk: usize, reader: R, framing: F) -> Self {
        FrameReader {
            inner: reader,
            framing,
            buf: BytesMut::new(),
            consumed: 0,
            frame_start: 0,
            last_payload: 0,
            step_base: 0,
            need_read: false,
            chunk: chunk.max(64),
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
        &self.buf
    }

    /// Stream offset of the first byte in [`FrameReader::buffer`]: how many
    /// bytes the frames returned so far occupied, headers included.
    pub fn position(&self) -> u64 {
        self.consumed
    }

    /// Returns the underlying reader. Buffered bytes are lost; see
    /// [`FrameReader::into_parts`].
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Returns the underlying reader and the bytes read from it that no
    /// frame has taken yet, for handing the connection to other code.
    pub fn into_parts(self) -> (R, BytesMut) {
        (self.inner, self.buf)
    }

    /// Stream offset of the payload of the frame returned last.
    pub(crate) fn last_payload(&self) -> u64 {
        self.last_payload
    }
}

impl<R: Read, F> FrameReader<R, F> {
    /// Runs `step` (a sans-IO decoder working on the buffer) until it yields
    /// an item, reading more when it needs more. `step` gets `true` once the
    /// underlying reader has returned 0 bytes; its errors carry offsets
    /// relative to the buffer, shifted here to stream offsets.
    #[inline]
    pub(crate) fn next_with<T>(
        &mut self,
        mut step: impl FnMut(&mut F, &mut BytesMut, bool) -> Result<Option<T>>,
    ) -> Result<Option<T>> {
        // Hot path: the item is already buffered.
        if !self.need_read {
            if let Some(item) = self.step(&mut step, false)? {
                return Ok(Some(item));
            }
            self.need_read = true;
        }
        self.next_after_read(step)
    }

    /// The rest of [`FrameReader::next_with`]: read, decode again, until an
    /// item, the end of the stream or an error.
    fn next_after_read<T>(
        &mut self,
        mut step: impl FnMut(&mut F, &mut BytesMut, bool) -> Result<Option<T>>,
    ) -> Result<Option<T>> {
        loop {
            if self.fill()? > 0 {
                self.need_read = false;
                if let Some(item) = self.step(&mut step, false)? {
                    return Ok(Some(item));
                }
                self.need_read = true;
                continue;
            }
            // End of stream.
            return match self.step(&mut step, true)? {
                Some(item) => {
                    self.need_read = false;
                    Ok(Some(item))
                }
                None if self.buf.is_empty() && self.consumed == self.frame_start => Ok(None),
                None => Err(self.truncated(None)),
            };
        }
    }

    #[inline(always)]
    fn step<T>(
        &mut self,
        step: &mut impl FnMut(&mut F, &mut BytesMut, bool) -> Result<Option<T>>,
        eof: bool,
    ) -> Result<Option<T>> {
        let base = self.consumed;
        self.step_base = base;
        let before = self.buf.len();
        let result = step(&mut self.framing, &mut self.buf, eof);
        let taken = before.saturating_sub(self.buf.len());
        self.consumed = self.consumed.saturating_add(taken as u64);
        match result {
            Ok(Some(item)) => {
                self.frame_start = self.consumed;
                Ok(Some(item))
            }
            Ok(None) => Ok(None),
            Err(err) => Err(self.locate(err, base)),
        }
    }

    /// Turns a decoding step's error (offsets relative to the buffer as it
    /// was at stream offset `base`) into one located in the stream.
    #[cold]
    #[inline(never)]
    fn locate(&mut self, err: Error, base: u64) -> Error {
        let partial = base.saturating_sub(self.frame_start);
        let err = match err.kind() {
            // The framing counted only the bytes still in the buffer; add
            // the ones it had already taken for this frame.
            &ErrorKind::Truncated { received, expected } if partial > 0 => {
                self.truncated(expected.map(|e| e.max(received.saturating_add(partial))))
            }
            _ => err.at_base(base),
        };
        self.frame_start = self.consumed;
        err
    }

    #[cold]
    fn truncated(&self, expected: Option<u64>) -> Error {
        let received = self
            .consumed
            .saturating_sub(self.frame_start)
            .saturating_add(self.buf.len() as u64);
        Error::new(
            ErrorKind::Truncated { received, expected },
            self.frame_start,
        )
    }

    /// One `read` call (retried on `Interrupted`) appending to the buffer;
    /// returns how many bytes arrived, 0 at the end of the stream.
    #[inline(never)]
    fn fill(&mut self) -> Result<usize> {
        let len = self.buf.len();
        // Read at least a chunk; while a large frame accumulates, read as
        // much as is already buffered so the number of calls stays
        // logarithmic in the frame size.
        let want = self.chunk.max(len.min(1 << 20));
        if self.buf.capacity() - len < want {
            self.buf.reserve(want);
        }
        let room = (self.buf.capacity() - len).min(want.saturating_mul(2));
        // Safe code cannot read into uninitialised memory: zero the room.
        self.buf.resize(len + room, 0);
        loop {
            match self.inner.read(&mut self.buf[len..]) {
                Ok(n) => {
                    let n = n.min(room);
                    self.buf.truncate(len + n);
                    return Ok(n);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    self.buf.truncate(len);
                    let at = self.consumed.saturating_add(len as u64);
                    return Err(Error::io(err, Some(at)));
                }
            }
        }
    }
}

impl<R: Read, F: FrameDecoder> FrameReader<R, F> {
    /// Reads the next frame's payload.
    ///
    /// Returns `Ok(None)` when the stream ends between frames.
    ///
    /// # Errors
    /// - [`ErrorKind::Io`] from the underlying reader. For `WouldBlock` and
    ///   `TimedOut` nothing is lost: call again later to continue the frame.
    /// - [`ErrorKind::Truncated`] when the stream ends inside a frame, with
    ///   the bytes of it that arrived and, once its header was read, the
    ///   frame's size.
    /// - The framing's errors ([`ErrorKind::LengthOverLimit`],
    ///   [`ErrorKind::InvalidHeader`], ...).
    ///
    /// Offsets are stream offsets.
    pub fn read_frame(&mut self) -> Result<Option<Bytes>> {
        let mut at = 0;
        let frame = self.next_with(|framing, src, eof| {
            let (start, len) = (src.as_ptr() as usize, src.len());
            let frame = if eof {
                framing.decode_eof(src)?
            } else {
                framing.decode(src)?
            };
            if let Some(f) = &frame {
                at = payload_offset(start, len, f);
            }
            Ok(frame)
        })?;
        self.last_payload = self.step_base.saturating_add(at as u64);
        Ok(frame)
    }
}

/// Where `frame` starts relative to a buffer that began at address `start`
/// and held `len` bytes, when the frame is a view into that buffer (the usual
/// zero-copy case); 0 otherwise.
pub(crate) fn payload_offset(start: usize, len: usize, frame: &[u8]) -> usize {
    let at = (frame.as_ptr() as usize).wrapping_sub(start);
    if at <= len { at } else { 0 }
}

impl<R: fmt::Debug, F: fmt::Debug> fmt::Debug for FrameReader<R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameReader")
            .field("inner", &self.inner)
            .field("framing", &self.framing)
            .field("buffered", &self.buf.len())
            .field("position", &self.consumed)
            .finish()
    }
}
