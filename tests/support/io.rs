//! Test doubles for everything that reads or writes: a reader and a writer
//! that follow a script of partial transfers and injected errors (one
//! reader for every split-input pattern: chunks at given sizes, one byte per
//! read, interruptions, an error instead of the end), the quickcheck
//! schedule type, a reader that counts what it handed out, and a tiny
//! framing used to test the IO layer on its own.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Read, Write};
use std::marker::PhantomData;

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

/// How one test file draws its schedules: `type Schedule =
/// support::io::Schedule<MyDraws>;` with `impl Draws for MyDraws`.
pub trait Draws: 'static {
    const MIX: Mix;
}

/// A random read or write schedule for quickcheck, drawn by `M::MIX`;
/// shrinks to its shorter prefixes.
pub struct Schedule<M>(pub Vec<Step>, PhantomData<M>);

impl<M> Clone for Schedule<M> {
    fn clone(&self) -> Self {
        Schedule(self.0.clone(), PhantomData)
    }
}

impl<M> fmt::Debug for Schedule<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Schedule").field(&self.0).finish()
    }
}

impl<M: Draws> Arbitrary for Schedule<M> {
    fn arbitrary(g: &mut Gen) -> Self {
        Schedule(M::MIX.steps(g), PhantomData)
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        let steps = self.0.clone();
        Box::new(
            (0..steps.len())
                .rev()
                .map(move |n| Schedule(steps[..n].to_vec(), PhantomData)),
        )
    }
}

/// A reader over `data` that follows `script`; once the script runs out it
/// cycles through the steps of [`then_cycle`](Self::then_cycle) (by
/// default none: the rest at once), and at the end of `data` returns
/// `Ok(0)`, or an error with [`fail_at_end`](Self::fail_at_end).
pub struct ScriptedReader {
    data: Vec<u8>,
    pos: usize,
    script: VecDeque<Step>,
    cycle: Vec<Step>,
    next: usize,
    at_end: Option<io::ErrorKind>,
    /// Number of `read` calls, errors included.
    pub calls: usize,
    /// Number of `read` calls that returned `Ok(0)`.
    pub ends: usize,
}

impl ScriptedReader {
    pub fn new(data: Vec<u8>, script: impl IntoIterator<Item = Step>) -> Self {
        ScriptedReader {
            data,
            pos: 0,
            script: script.into_iter().collect(),
            cycle: Vec::new(),
            next: 0,
            at_end: None,
            calls: 0,
            ends: 0,
        }
    }

    /// `data` one byte per read: the slowest read pattern a decoder must
    /// survive.
    pub fn one_byte(data: &[u8]) -> Self {
        Self::new(data.to_vec(), []).tail_chunk(1)
    }

    /// `data` in reads whose sizes cycle through `sizes` (a size of 0
    /// counts as 1; no sizes: everything at once).
    pub fn chunked(data: &[u8], sizes: &[usize]) -> Self {
        Self::new(data.to_vec(), []).then_cycle(sizes.iter().map(|&n| Step::Bytes(n)))
    }

    /// `data` one byte per read, each read after an `Interrupted` one.
    pub fn interrupting(data: &[u8]) -> Self {
        Self::new(data.to_vec(), []).then_cycle([Step::Interrupted, Step::Bytes(1)])
    }

    /// Every read returns at most `n` bytes after the script.
    pub fn tail_chunk(self, n: usize) -> Self {
        self.then_cycle([Step::Bytes(n)])
    }

    /// After the script, follow `steps` over and over.
    pub fn then_cycle(mut self, steps: impl IntoIterator<Item = Step>) -> Self {
        self.cycle = steps.into_iter().collect();
        self.next = 0;
        self
    }

    /// Once `data` is all handed out, every read fails with `kind` (a
    /// connection that breaks instead of ending).
    pub fn fail_at_end(mut self, kind: io::ErrorKind) -> Self {
        self.at_end = Some(kind);
        self
    }

    /// The number of bytes not yet handed out.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// The bytes not yet handed out.
    pub fn rest(&self) -> &[u8] {
        &self.data[self.pos..]
    }

    fn next_step(&mut self) -> Option<Step> {
        if let Some(step) = self.script.pop_front() {
            return Some(step);
        }
        let step = *self.cycle.get(self.next % self.cycle.len().max(1))?;
        self.next = self.next.wrapping_add(1);
        Some(step)
    }
}

impl Read for ScriptedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if let Some(kind) = self.at_end.filter(|_| self.remaining() == 0) {
            return Err(io::Error::new(kind, "scripted"));
        }
        let limit = match self.next_step() {
            Some(step) => {
                if let Some(err) = step.error() {
                    return Err(err);
                }
                match step {
                    Step::Bytes(n) => n.max(1),
                    _ => 0,
                }
            }
            None => usize::MAX,
        };
        let n = limit.min(buf.len()).min(self.remaining());
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        if n == 0 {
            self.ends += 1;
        }
        Ok(n)
    }
}

/// A reader that counts the bytes `inner` handed out.
pub struct Counted<R> {
    pub inner: R,
    pub given: usize,
}

impl<R> Counted<R> {
    pub fn new(inner: R) -> Self {
        Counted { inner, given: 0 }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.given += n;
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

/// The same scripts over futures-io: a `WouldBlock` step is `Pending`
/// (with the waker woken, so any executor polls again), everything else
/// is what `Read`/`Write` return.
#[cfg(feature = "futures")]
mod futures_io_impls {
    use std::io::{self, Read, Write};
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use super::{ScriptedReader, ScriptedWriter};

    fn poll<T>(cx: &mut Context<'_>, result: io::Result<T>) -> Poll<io::Result<T>> {
        match result {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            other => Poll::Ready(other),
        }
    }

    impl futures_io::AsyncRead for ScriptedReader {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            poll(cx, self.get_mut().read(buf))
        }
    }

    impl futures_io::AsyncWrite for ScriptedWriter {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            poll(cx, self.get_mut().write(buf))
        }
        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            poll(cx, self.get_mut().flush())
        }
        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
}
