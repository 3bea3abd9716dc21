//! Byte sources for the `ascii` decoder: a slice (borrows strings from the
//! input) and any [`io::Read`] (reads exactly the message's bytes).
//!
//! On a stream the decoder looks at most one byte ahead, and that byte
//! always belongs to the message (a token is followed by a space or the line
//! end), so the reader never consumes a byte of the next message. A slice
//! also shows the decoder all of its unread bytes ([`Read::rest`]), so whole
//! tokens can be scanned in one loop; what is consumed is the same.

use std::io;

use crate::error::{Error, Result};

/// A string or byte body: borrowed from the input or copied into scratch.
pub(crate) enum Body<'de, 's> {
    Borrowed(&'de [u8]),
    Copied(&'s [u8]),
}

/// What the decoder needs from its input.
pub(crate) trait Read<'de> {
    /// The next byte without consuming it; `None` at the end of the input or
    /// once the message has used up its byte limit.
    fn peek(&mut self) -> Result<Option<u8>>;
    /// Consumes the byte returned by the last [`Read::peek`].
    fn bump(&mut self);
    /// Bytes consumed so far.
    fn pos(&self) -> u64;
    /// Starts collecting the bytes consumed from now on (a float token).
    fn start_record(&mut self);
    /// The bytes consumed since [`Read::start_record`].
    fn recorded(&mut self) -> &[u8];
    /// The bytes known to be left in the input, if known (a slice).
    fn remaining(&self) -> Option<u64>;
    /// Consumes exactly `len` bytes (already checked against the limit).
    /// `None` if the input ends first.
    fn body<'s>(&mut self, len: usize, scratch: &'s mut Vec<u8>) -> Result<Option<Body<'de, 's>>>;
    /// The unread input when all of it is in memory (a slice), so that a
    /// whole token can be scanned in one loop; `None` for a stream.
    fn rest(&self) -> Option<&[u8]>;
    /// Consumes `n` bytes of [`Read::rest`] (never more than it returned).
    fn skip(&mut self, n: usize);
}

/// Reads from a slice, cut at the byte limit.
pub(crate) struct SliceRead<'de> {
    buf: &'de [u8],
    pos: usize,
    record: usize,
}

impl<'de> SliceRead<'de> {
    #[inline]
    pub(crate) fn new(input: &'de [u8], limit: usize) -> Self {
        let buf = input.get(..limit).unwrap_or(input);
        SliceRead {
            buf,
            pos: 0,
            record: 0,
        }
    }

    /// Consumed bytes as an index into the input.
    pub(crate) fn index(&self) -> usize {
        self.pos
    }
}

impl<'de> Read<'de> for SliceRead<'de> {
    #[inline]
    fn peek(&mut self) -> Result<Option<u8>> {
        Ok(self.buf.get(self.pos).copied())
    }
    #[inline]
    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1).min(self.buf.len());
    }
    #[inline]
    fn pos(&self) -> u64 {
        self.pos as u64
    }
    fn start_record(&mut self) {
        self.record = self.pos;
    }
    fn remaining(&self) -> Option<u64> {
        Some(self.buf.len().saturating_sub(self.pos) as u64)
    }
    fn recorded(&mut self) -> &[u8] {
        self.buf.get(self.record..self.pos).unwrap_or_default()
    }
    #[inline]
    fn body<'s>(&mut self, len: usize, _: &'s mut Vec<u8>) -> Result<Option<Body<'de, 's>>> {
        let end = self.pos.saturating_add(len);
        match self.buf.get(self.pos..end) {
            Some(body) => {
                self.pos = end;
                Ok(Some(Body::Borrowed(body)))
            }
            None => Ok(None),
        }
    }
    #[inline]
    fn rest(&self) -> Option<&[u8]> {
        self.buf.get(self.pos..)
    }
    #[inline]
    fn skip(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.buf.len());
    }
}

/// Reads from an [`io::Read`] one byte at a time (bodies in one go), never
/// past the end of the message and never past the byte limit.
pub(crate) struct IoRead<R> {
    inner: R,
    peeked: Option<u8>,
    /// The reader has returned 0 bytes: it is not asked again (on a
    /// terminal each read at the end waits for another end of file).
    ended: bool,
    pos: u64,
    limit: u64,
    recording: bool,
    record: Vec<u8>,
}

impl<R: io::Read> IoRead<R> {
    pub(crate) fn new(inner: R, limit: usize) -> Self {
        IoRead {
            inner,
            peeked: None,
            ended: false,
            pos: 0,
            limit: limit as u64,
            recording: false,
            record: Vec::new(),
        }
    }
}

impl<'de, R: io::Read> Read<'de> for IoRead<R> {
    fn peek(&mut self) -> Result<Option<u8>> {
        if self.peeked.is_some() {
            return Ok(self.peeked);
        }
        if self.pos >= self.limit || self.ended {
            return Ok(None);
        }
        let mut byte = [0u8; 1];
        loop {
            match self.inner.read(&mut byte) {
                Ok(0) => {
                    self.ended = true;
                    return Ok(None);
                }
                Ok(_) => {
                    self.peeked = Some(byte[0]);
                    return Ok(self.peeked);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(e, Some(self.pos))),
            }
        }
    }

    fn bump(&mut self) {
        if let Some(byte) = self.peeked.take() {
            self.pos += 1;
            if self.recording {
                self.record.push(byte);
            }
        }
    }

    fn pos(&self) -> u64 {
        self.pos
    }

    fn start_record(&mut self) {
        self.record.clear();
        self.recording = true;
    }

    fn remaining(&self) -> Option<u64> {
        None
    }

    fn recorded(&mut self) -> &[u8] {
        self.recording = false;
        &self.record
    }

    fn body<'s>(&mut self, len: usize, scratch: &'s mut Vec<u8>) -> Result<Option<Body<'de, 's>>> {
        scratch.clear();
        // Grow with the bytes that actually arrive, not with the declared
        // length (already bounded by the limit, but still a promise).
        scratch.reserve(len.min(64 * 1024));
        // The decoder consumes the ':' before a body, so nothing is peeked;
        // should a byte be, it is the body's first.
        let mut left = len;
        if left > 0 {
            if let Some(byte) = self.peeked.take() {
                scratch.push(byte);
                self.pos += 1;
                left -= 1;
            }
        }
        let before = scratch.len();
        let mut take = io::Read::take(&mut self.inner, left as u64);
        let res = io::Read::read_to_end(&mut take, scratch);
        self.pos = self.pos.saturating_add((scratch.len() - before) as u64);
        match res {
            Err(e) => Err(Error::io(e, Some(self.pos))),
            Ok(_) if scratch.len() < len => Ok(None),
            Ok(_) => Ok(Some(Body::Copied(scratch))),
        }
    }

    fn rest(&self) -> Option<&[u8]> {
        None
    }

    fn skip(&mut self, _: usize) {}
}
