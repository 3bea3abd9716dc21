//! [`FrameReader`]: frames out of any [`Read`], through one reusable buffer.

use std::fmt;
use std::io::{self, Read};

use bytes::{Buf, Bytes, BytesMut};

use crate::error::{Error, ErrorKind, Result};
use crate::frame::{self, FrameDecoder};

/// How much a reader asks for per `read` call unless told otherwise.
pub(crate) const DEFAULT_CHUNK: usize = 8 * 1024;

/// The largest chunk a reader asks for: reading more than the largest
/// default frame at once buys nothing.
pub(crate) const MAX_CHUNK: usize = frame::DEFAULT_MAX_FRAME_LENGTH;

/// While a large frame arrives, reads grow with the bytes buffered, up to
/// this much per call.
const MAX_GROWTH: usize = 1 << 20;

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
    /// `buf[..filled]` are bytes read (those before `pos` handed out
    /// already); `buf[filled..]` is zeroed room for the next reads, kept
    /// from one read to the next so no byte is zeroed twice.
    buf: BytesMut,
    /// How many bytes at the front of `buf` hold data.
    filled: usize,
    /// How many bytes at the front of `buf` are consumed. Dropping them is
    /// put off until the buffer is refilled or a frame is split off, so a
    /// message decoded in place costs no buffer bookkeeping.
    pos: usize,
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
    /// The most bytes worth buffering (see [`FrameReader::cap_reads`]).
    read_cap: usize,
}

impl<R, F> FrameReader<R, F> {
    /// A reader that splits `reader`'s bytes into frames with `framing`.
    pub fn new(reader: R, framing: F) -> Self {
        Self::with_capacity(DEFAULT_CHUNK, reader, framing)
    }

    /// As [`FrameReader::new`], reading at least `chunk` bytes per call,
    /// clamped to between 64 bytes and
    /// [`DEFAULT_MAX_FRAME_LENGTH`](crate::frame::DEFAULT_MAX_FRAME_LENGTH)
    /// (16 MiB): memory is only reserved as reads need it, so no value
    /// can make the reader fail to allocate up front.
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
            buf: BytesMut::new(),
            filled: 0,
            pos: 0,
            consumed: 0,
            frame_start: 0,
            last_payload: 0,
            step_base: 0,
            need_read: false,
            chunk: chunk.clamp(64, MAX_CHUNK),
            read_cap: usize::MAX,
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
        self.buf.get(self.pos..self.filled).unwrap_or_default()
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
    pub fn into_parts(mut self) -> (R, BytesMut) {
        self.compact();
        self.buf.truncate(self.filled);
        (self.inner, self.buf)
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
        FrameReader {
            inner: self.inner,
            framing: f(self.framing),
            buf: self.buf,
            filled: self.filled,
            pos: self.pos,
            consumed: self.consumed,
            frame_start: self.frame_start,
            last_payload: self.last_payload,
            step_base: self.step_base,
            // The new framing may find a frame in what is buffered.
            need_read: false,
            chunk: self.chunk,
            read_cap: usize::MAX,
        }
    }

    /// The framing, mutably (to adjust its limits to a message layer's).
    pub(crate) fn framing_mut(&mut self) -> &mut F {
        &mut self.framing
    }

    /// Reads stop adding to the buffer once it holds `cap` bytes (a read
    /// still happens when it holds more, so an item can always make
    /// progress): a self-delimited message longer than the encoding's
    /// limit is refused at that many bytes, so buffering more is waste.
    pub(crate) fn cap_reads(&mut self, cap: usize) {
        self.read_cap = cap;
    }

    /// Drops the consumed bytes from the front of the buffer.
    fn compact(&mut self) {
        let pos = self.pos.min(self.filled);
        self.buf.advance(pos);
        self.filled -= pos;
        self.pos = 0;
    }

    /// Stream offset of the payload of the frame returned last.
    pub(crate) fn last_payload(&self) -> u64 {
        self.last_payload
    }

    /// Bytes buffered and not yet consumed.
    #[inline]
    fn available(&self) -> usize {
        self.filled.saturating_sub(self.pos)
    }
}

impl<R: Read, F> FrameReader<R, F> {
    /// Runs `step` (a sans-IO decoder looking at the unconsumed bytes) until
    /// it yields an item, reading more when it needs more. `step` gets `true`
    /// once the underlying reader has returned 0 bytes, and returns its
    /// result with the number of bytes it consumed (also on error: a frame
    /// whose message is invalid is still consumed). Its errors carry offsets
    /// relative to the bytes it got, shifted here to stream offsets.
    #[inline]
    pub(crate) fn next_with<T>(
        &mut self,
        mut step: impl FnMut(&mut F, &[u8], bool) -> (Result<Option<T>>, usize),
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
        mut step: impl FnMut(&mut F, &[u8], bool) -> (Result<Option<T>>, usize),
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
                None if self.available() == 0 && self.consumed == self.frame_start => Ok(None),
                None => Err(self.truncated(None)),
            };
        }
    }

    #[inline(always)]
    fn step<T>(
        &mut self,
        step: &mut impl FnMut(&mut F, &[u8], bool) -> (Result<Option<T>>, usize),
        eof: bool,
    ) -> Result<Option<T>> {
        let base = self.consumed;
        self.step_base = base;
        let rest = self.buf.get(self.pos..self.filled).unwrap_or_default();
        let (result, taken) = step(&mut self.framing, rest, eof);
        let taken = taken.min(rest.len());
        self.pos += taken;
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
            .saturating_add(self.available() as u64);
        Error::new(
            ErrorKind::Truncated { received, expected },
            self.frame_start,
        )
    }

    /// One `read` call (retried on `Interrupted`) appending to the buffer;
    /// returns how many bytes arrived, 0 at the end of the stream.
    ///
    /// Costs O(bytes read), amortized: the zeroed room after the data is
    /// kept from one read to the next, so each byte of the buffer is zeroed
    /// once (safe code cannot read into uninitialised memory), and the
    /// buffer grows by doubling.
    #[inline(never)]
    fn fill(&mut self) -> Result<usize> {
        self.compact();
        let filled = self.filled;
        // Read at least a chunk; while a large frame accumulates, read as
        // much as is already buffered so the number of calls stays
        // logarithmic in the frame size.
        let want = self.chunk.max(filled.min(MAX_GROWTH));
        let want = match self.read_cap.checked_sub(filled) {
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
        loop {
            match self.inner.read(&mut self.buf[filled..filled + room]) {
                Ok(n) => {
                    let n = n.min(room);
                    self.filled += n;
                    return Ok(n);
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    let at = self.consumed.saturating_add(filled as u64);
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
        let span = self.next_with(|framing, src, eof| {
            let span = if eof {
                framing.decode_span_eof(src)
            } else {
                framing.decode_span(src)
            };
            match span {
                Ok(Some(span)) if !span.fits(src.len()) => (Err(frame::bad_span()), 0),
                Ok(Some(span)) => {
                    let len = span.len;
                    (Ok(Some(span)), len)
                }
                other => (other, 0),
            }
        })?;
        let Some(span) = span else {
            return Ok(None);
        };
        let frame_len = span.len;
        self.last_payload = self.step_base.saturating_add(span.payload.start as u64);
        // The frame is the last `span.len` consumed bytes: drop what came
        // before it and split it off as a view of the buffer.
        self.pos = self.pos.saturating_sub(span.len);
        self.compact();
        let frame = frame::split_frame(&mut self.buf, span)?;
        self.filled = self.filled.saturating_sub(frame_len);
        Ok(Some(frame))
    }
}

impl<R: fmt::Debug, F: fmt::Debug> fmt::Debug for FrameReader<R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameReader")
            .field("inner", &self.inner)
            .field("framing", &self.framing)
            .field("buffered", &self.available())
            .field("position", &self.consumed)
            .finish()
    }
}
