//! Test doubles shared by the stream tests: a reader and a writer that
//! follow a script of partial transfers and injected errors, and a tiny
//! framing used to test the IO layer on its own.

use std::collections::VecDeque;
use std::io::{self, Read, Write};

use bytes::{Bytes, BytesMut};
use netwire::frame::{FrameDecoder, FrameEncoder, Span};
use netwire::{Error, ErrorKind, Result};
use quickcheck::{Arbitrary, Gen};

/// One scripted event of a [`ScriptedReader`] or [`ScriptedWriter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Transfer at most this many bytes (at least 1).
    Bytes(usize),
    /// Fail with `Interrupted`.
    Interrupted,
    /// Fail with `WouldBlock`.
    WouldBlock,
    /// Fail with `TimedOut`.
    TimedOut,
    /// Writer only: accept 0 bytes.
    Zero,
}

impl Step {
    fn error(self) -> Option<io::Error> {
        let kind = match self {
            Step::Interrupted => io::ErrorKind::Interrupted,
            Step::WouldBlock => io::ErrorKind::WouldBlock,
            Step::TimedOut => io::ErrorKind::TimedOut,
            _ => return None,
        };
        Some(io::Error::new(kind, "scripted"))
    }
}

/// How random read or write schedules are drawn. Each step is one of
/// `draws` equally likely draws: three are the injected errors
/// (`Interrupted`, `WouldBlock`, `TimedOut`), `short_draws` are transfers
/// of 1 to `short` bytes, and the rest transfers of 1 to `long` bytes.
pub struct Mix {
    /// A schedule has fewer steps than this.
    pub max_steps: usize,
    pub draws: u8,
    pub short_draws: u8,
    pub short: usize,
    pub long: usize,
}

impl Mix {
    /// A random schedule.
    pub fn steps(&self, g: &mut Gen) -> Vec<Step> {
        let len = usize::arbitrary(g) % self.max_steps;
        (0..len)
            .map(|_| match u8::arbitrary(g) % self.draws {
                0 => Step::Interrupted,
                1 => Step::WouldBlock,
                2 => Step::TimedOut,
                d if d < 3 + self.short_draws => Step::Bytes(1 + usize::arbitrary(g) % self.short),
                _ => Step::Bytes(1 + usize::arbitrary(g) % self.long),
            })
            .collect()
    }
}

/// A reader over `data` that follows `script`; once the script runs out it
/// hands out the rest in reads of at most `tail_chunk` bytes, then EOF.
pub struct ScriptedReader {
    data: Vec<u8>,
    pos: usize,
    script: VecDeque<Step>,
    tail_chunk: usize,
    /// Number of `read` calls, errors included.
    pub calls: usize,
}

impl ScriptedReader {
    pub fn new(data: Vec<u8>, script: impl IntoIterator<Item = Step>) -> Self {
        ScriptedReader {
            data,
            pos: 0,
            script: script.into_iter().collect(),
            tail_chunk: usize::MAX,
            calls: 0,
        }
    }

    /// Every read returns at most `n` bytes after the script.
    pub fn tail_chunk(mut self, n: usize) -> Self {
        self.tail_chunk = n.max(1);
        self
    }

    /// Bytes not yet handed out.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
}

impl Read for ScriptedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        let limit = match self.script.pop_front() {
            Some(step) => {
                if let Some(err) = step.error() {
                    return Err(err);
                }
                match step {
                    Step::Bytes(n) => n.max(1),
                    _ => 0,
                }
            }
            None => self.tail_chunk,
        };
        let n = limit.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A writer into a `Vec` that follows `script`; once the script runs out it
/// accepts everything.
pub struct ScriptedWriter {
    pub data: Vec<u8>,
    script: VecDeque<Step>,
    pub flushes: usize,
    pub vectored_calls: usize,
}

impl ScriptedWriter {
    pub fn new(script: impl IntoIterator<Item = Step>) -> Self {
        ScriptedWriter {
            data: Vec::new(),
            script: script.into_iter().collect(),
            flushes: 0,
            vectored_calls: 0,
        }
    }

    fn accept(&mut self) -> io::Result<usize> {
        match self.script.pop_front() {
            None => Ok(usize::MAX),
            Some(Step::Bytes(n)) => Ok(n.max(1)),
            Some(Step::Zero) => Ok(0),
            Some(step) => Err(step.error().expect("an error step")),
        }
    }
}

impl Write for ScriptedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.accept()?.min(buf.len());
        self.data.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.vectored_calls += 1;
        let mut left = self.accept()?;
        let mut total = 0;
        for buf in bufs {
            let n = left.min(buf.len());
            self.data.extend_from_slice(&buf[..n]);
            total += n;
            left -= n;
        }
        Ok(total)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flushes += 1;
        Ok(())
    }
}

/// A minimal framing: one length byte, then the payload. Keeps no state, so
/// the IO layer is tested independently of the real strategies.
#[derive(Debug, Default, Clone)]
pub struct Tiny;

impl FrameDecoder for Tiny {
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        let Some(&len) = src.first() else {
            return Ok(None);
        };
        let total = 1 + len as usize;
        if src.len() < total {
            return Ok(None);
        }
        Ok(Some(Span::new(1..total, total)))
    }

    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        match self.decode_span(src)? {
            Some(span) => Ok(Some(span)),
            None if src.is_empty() => Ok(None),
            None => Err(Error::new(
                ErrorKind::Truncated {
                    received: src.len() as u64,
                    expected: Some(1 + u64::from(src[0])),
                },
                0,
            )),
        }
    }
}

impl FrameEncoder for Tiny {
    fn encode_head(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        let len = u8::try_from(payload.len()).map_err(|_| {
            Error::without_offset(ErrorKind::LengthOverflow {
                len: payload.len() as u64,
                max: 255,
            })
        })?;
        dst.extend_from_slice(&[len]);
        Ok(())
    }
}

/// `payloads` framed with [`Tiny`].
pub fn tiny_stream(payloads: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in payloads {
        out.push(p.len() as u8);
        out.extend_from_slice(p);
    }
    out
}

/// Reads to the end, retrying after `WouldBlock`/`TimedOut` (bounded).
pub fn read_all_frames<R: Read, F: FrameDecoder>(
    rx: &mut netwire::stream::FrameReader<R, F>,
) -> Result<Vec<Bytes>> {
    let mut out = Vec::new();
    for _ in 0..1_000_000 {
        match rx.read_frame() {
            Ok(Some(frame)) => out.push(frame),
            Ok(None) => return Ok(out),
            Err(e) if is_retry(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    panic!("reader did not finish");
}

/// `WouldBlock` or `TimedOut`: try again later.
pub fn is_retry(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Io(io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
    )
}
