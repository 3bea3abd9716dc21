//! The stream target's driver: a reader that follows a fuzzer-chosen read
//! schedule, and the comparison of what a `MessageReader` or `FrameReader`
//! gives under it with what it gives when the input arrives at once.

use std::io::{self, Read};

use arbitrary::{Arbitrary, Unstructured};

/// One step of a read schedule.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// Hand over at most this many bytes (at least 1).
    Bytes(usize),
    /// Fail with `Interrupted` (the reader must retry by itself).
    Interrupted,
    /// Fail with `WouldBlock` (the caller calls again; nothing is lost).
    WouldBlock,
}

impl Step {
    fn from_byte(b: u8) -> Step {
        match b {
            0xe0..=0xef => Step::Interrupted,
            0xf0..=0xff => Step::WouldBlock,
            // Mostly small pieces, sometimes a few hundred bytes.
            b if b < 0x80 => Step::Bytes(usize::from(b % 16) + 1),
            b => Step::Bytes(usize::from(b) * 4),
        }
    }
}

/// The stream target's input: settings, where the stream ends, the read
/// schedule and the bytes.
#[derive(Debug)]
pub struct Input {
    /// Framing and encoding.
    pub setting: u8,
    /// The reads, in order; once they are used up the rest arrives in
    /// 64-byte reads.
    pub steps: Vec<Step>,
    /// The stream: it ends (`Ok(0)`) after these bytes.
    pub data: Vec<u8>,
}

impl Input {
    /// Reads the setting byte, an EOF point (u16, little-endian: the stream
    /// is cut there if it is shorter than the data), the schedule
    /// (`arbitrary`'s `Vec<u8>`) and takes the rest as the stream.
    pub fn parse(bytes: &[u8]) -> Option<Input> {
        let mut u = Unstructured::new(bytes);
        let setting = u8::arbitrary(&mut u).ok()?;
        let eof = u16::arbitrary(&mut u).ok()?;
        let steps = Vec::<u8>::arbitrary(&mut u)
            .ok()?
            .into_iter()
            .map(Step::from_byte)
            .collect();
        let mut data = u.take_rest().to_vec();
        data.truncate(usize::from(eof));
        Some(Input {
            setting,
            steps,
            data,
        })
    }
}

/// What a [`Scheduled`] reader was asked to do, for the work budgets.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    /// Calls of `read`, whatever they returned.
    pub calls: u64,
    /// Calls that handed over at least one byte.
    pub data: u64,
    /// Calls that returned `Ok(0)`: the end of the stream.
    pub eof: u64,
    /// Bytes handed over.
    pub received: u64,
    /// `Interrupted` returned.
    pub interrupted: u64,
    /// `WouldBlock` returned.
    pub would_block: u64,
}

/// A reader that follows a schedule over a byte string.
///
/// It panics when it is called with an empty buffer: its `Ok(0)` would
/// read as the end of the stream, so no reader may ask for nothing.
#[derive(Debug)]
pub struct Scheduled<'a> {
    data: &'a [u8],
    steps: std::iter::Copied<std::slice::Iter<'a, Step>>,
    /// The read size once the schedule is used up.
    after: usize,
    /// `WouldBlock` steps are turned into `Interrupted` (for the readers
    /// that need a blocking source, such as `from_reader`).
    blocking: bool,
    /// How many `WouldBlock`s it returned.
    pub would_blocks: usize,
    /// Every call, counted.
    pub reads: Reads,
}

impl<'a> Scheduled<'a> {
    /// A reader of `data` following `steps`, then 64-byte reads.
    pub fn new(data: &'a [u8], steps: &'a [Step]) -> Self {
        Scheduled {
            data,
            steps: steps.iter().copied(),
            after: 64,
            blocking: false,
            would_blocks: 0,
            reads: Reads::default(),
        }
    }

    /// A reader of `data` that hands over as much as each call asks for:
    /// the reference the schedules are compared with.
    pub fn at_once(data: &'a [u8]) -> Self {
        Scheduled {
            after: usize::MAX,
            ..Scheduled::new(data, &[])
        }
    }

    /// The same reader with `WouldBlock` steps turned into `Interrupted`.
    pub fn blocking(mut self) -> Self {
        self.blocking = true;
        self
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.data
    }
}

impl Read for Scheduled<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        assert!(!buf.is_empty(), "read called with an empty buffer");
        self.reads.calls += 1;
        let n = match self.steps.next() {
            Some(Step::Interrupted) => {
                self.reads.interrupted += 1;
                return Err(io::ErrorKind::Interrupted.into());
            }
            Some(Step::WouldBlock) if self.blocking => {
                self.reads.interrupted += 1;
                return Err(io::ErrorKind::Interrupted.into());
            }
            Some(Step::WouldBlock) => {
                self.would_blocks += 1;
                self.reads.would_block += 1;
                return Err(io::ErrorKind::WouldBlock.into());
            }
            Some(Step::Bytes(n)) => n,
            None => self.after,
        };
        let n = n.min(buf.len()).min(self.data.len());
        let (head, tail) = self.data.split_at(n);
        buf[..n].copy_from_slice(head);
        self.data = tail;
        if n == 0 {
            self.reads.eof += 1;
        } else {
            self.reads.data += 1;
            self.reads.received += n as u64;
        }
        Ok(n)
    }
}

/// How reading a stream ended.
#[derive(Debug, PartialEq)]
pub enum End {
    /// `Ok(None)`: the stream ended between items.
    Clean,
    /// An error, by kind and stream offset.
    Error(netwire::ErrorKind, Option<u64>),
    /// More items than the input could hold: the reader did not stop.
    Runaway,
}

/// The error kind with what may depend on the read pattern taken out: a
/// `LengthOverLimit` from a delimiter or end-of-stream framing, or from a
/// self-delimited message, reports how many bytes were buffered when the
/// limit was passed, which depends on how they arrived.
pub fn comparable(kind: &netwire::ErrorKind) -> netwire::ErrorKind {
    match kind {
        netwire::ErrorKind::LengthOverLimit { limit, .. } => netwire::ErrorKind::LengthOverLimit {
            len: 0,
            limit: *limit,
        },
        other => other.clone(),
    }
}

/// Reads items with `next` until the end or an error, calling again after
/// `WouldBlock`. Items are kept as bytes (an encoding of each) so values
/// holding NaN compare exactly.
pub fn collect(
    max_items: usize,
    mut next: impl FnMut() -> netwire::Result<Option<Vec<u8>>>,
) -> (Vec<Vec<u8>>, End) {
    let mut items = Vec::new();
    // A WouldBlock costs a schedule step, so this many calls are enough.
    for _ in 0..max_items.saturating_mul(4).saturating_add(1 << 16) {
        match next() {
            Ok(Some(item)) => {
                items.push(item);
                if items.len() > max_items {
                    return (items, End::Runaway);
                }
            }
            Ok(None) => return (items, End::Clean),
            Err(e) if e.kind() == &netwire::ErrorKind::Io(io::ErrorKind::WouldBlock) => {}
            Err(e) => return (items, End::Error(comparable(e.kind()), e.offset())),
        }
    }
    (items, End::Runaway)
}
