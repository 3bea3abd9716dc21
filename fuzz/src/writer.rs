//! The writer target's pieces: a [`Write`] that follows a script (short
//! writes, `Ok(0)`, `Interrupted`, `WouldBlock`, `TimedOut`, vectored
//! writes taken in part), and the drivers that push frames or messages
//! through `FrameWriter` / `MessageWriter` with the documented retry loop
//! and check every byte against the frames encoded on their own.

use std::io::{self, IoSlice, Write};

use arbitrary::Arbitrary;
use bytes::BytesMut;
use netwire::frame::{FrameDecoder, FrameEncoder, MessageEnds};
use netwire::message::{MessageFraming, SelfDelimited};
use netwire::stream::{FrameReader, FrameWriter, MessageReader, MessageWriter};
use netwire::{Encoding, Error, ErrorKind, Scan};
use serde::Serialize;

use crate::streams::exact;
use crate::{Empty, Event, Marker, Sparse, Tree};

/// One step of a writer's script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WStep {
    /// Take at most this many bytes (at least 1).
    Accept(usize),
    /// Take nothing: `Ok(0)`.
    Zero,
    /// Fail with `Interrupted` (the writer must retry by itself).
    Interrupted,
    /// Fail with `WouldBlock`.
    WouldBlock,
    /// Fail with `TimedOut` (a write timeout).
    TimedOut,
}

impl WStep {
    /// A step from a script byte: mostly short writes, some large ones,
    /// the three errors, and `Ok(0)` for 0xff alone.
    pub fn from_byte(b: u8) -> WStep {
        match b {
            0x00..=0x7f => WStep::Accept(usize::from(b % 16) + 1),
            0x80..=0xbf => WStep::Accept(usize::from(b - 0x80) * 128 + 1),
            0xc0..=0xdf => WStep::Accept(usize::MAX),
            0xe0..=0xe7 => WStep::Interrupted,
            0xe8..=0xef | 0xf8..=0xfe => WStep::WouldBlock,
            0xf0..=0xf7 => WStep::TimedOut,
            0xff => WStep::Zero,
        }
    }
}

/// A writer that follows a script; once it is used up, every write is
/// taken whole and every flush succeeds.
#[derive(Debug)]
pub struct Script {
    steps: Vec<WStep>,
    at: usize,
    /// A vectored write takes its bytes across all the buffers (`true`)
    /// or, as `Write`'s default does, from the first non-empty one only.
    pub across: bool,
    /// Every byte taken, in order.
    pub out: Vec<u8>,
}

impl Script {
    /// A writer following `steps`.
    pub fn new(steps: Vec<WStep>, across: bool) -> Self {
        Script {
            steps,
            at: 0,
            across,
            out: Vec::new(),
        }
    }

    /// How many steps there are.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether there are no steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    fn next(&mut self) -> WStep {
        let step = self
            .steps
            .get(self.at)
            .copied()
            .unwrap_or(WStep::Accept(usize::MAX));
        self.at += 1;
        step
    }

    /// How many bytes of `total` this call takes, or its error.
    fn take(&mut self, total: usize) -> io::Result<usize> {
        match self.next() {
            WStep::Accept(n) => Ok(n.min(total)),
            WStep::Zero => Ok(0),
            WStep::Interrupted => Err(io::ErrorKind::Interrupted.into()),
            WStep::WouldBlock => Err(io::ErrorKind::WouldBlock.into()),
            WStep::TimedOut => Err(io::ErrorKind::TimedOut.into()),
        }
    }
}

impl Write for Script {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Ok(0) for an empty buffer would read as WriteZero.
        assert!(!buf.is_empty(), "write called with an empty buffer");
        let n = self.take(buf.len())?;
        self.out.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        assert!(total > 0, "write_vectored called with nothing to write");
        if !self.across {
            let first = bufs.iter().find(|b| !b.is_empty()).expect("total > 0");
            return self.write(first);
        }
        let n = self.take(total)?;
        let mut left = n;
        for b in bufs {
            let k = left.min(b.len());
            self.out.extend_from_slice(&b[..k]);
            left -= k;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.next() {
            WStep::Interrupted => Err(io::ErrorKind::Interrupted.into()),
            WStep::WouldBlock => Err(io::ErrorKind::WouldBlock.into()),
            WStep::TimedOut => Err(io::ErrorKind::TimedOut.into()),
            WStep::Accept(_) | WStep::Zero => Ok(()),
        }
    }
}

/// One operation on a writer.
#[derive(Debug, Clone)]
pub enum Op<M> {
    /// `write_frame` / `write`, retried while it returns a transient error.
    Write(M),
    /// `queue_frame` / `queue`.
    Queue(M),
    /// `flush`, retried while it returns a transient error.
    Flush,
}

/// A message of the writer target: the value is written as itself (the
/// `untagged` representation adds nothing on the wire).
#[derive(Serialize, Debug, Clone)]
#[serde(untagged)]
pub enum Msg {
    /// A recursive enum: depth limits.
    Event(Event),
    /// A recursive tree: depth and element counts.
    Tree(Tree),
    /// A field left out when `None`: refused then.
    Sparse(Sparse),
    /// Bytes, small or large (≥ 4096: the vectored path).
    Blob(#[serde(with = "serde_bytes")] Vec<u8>),
    /// `()`: zero bytes in `net`.
    Unit(()),
    /// A unit struct.
    Marker(Marker),
    /// An empty struct.
    Empty(Empty),
}

/// What the fuzzer picks for a [`Msg`]: large blobs are described, not
/// spelled out.
#[derive(Arbitrary, Debug, Clone)]
pub enum MsgSpec {
    /// As [`Msg::Event`].
    Event(Event),
    /// As [`Msg::Tree`].
    Tree(Tree),
    /// As [`Msg::Sparse`].
    Sparse(Sparse),
    /// A small blob.
    Blob(Vec<u8>),
    /// A blob of 4096 + `len % 12288` bytes counting up from `seed`.
    Big {
        /// Length beyond 4096.
        len: u16,
        /// First byte.
        seed: u8,
    },
    /// As [`Msg::Unit`].
    Unit,
    /// As [`Msg::Marker`].
    Marker,
    /// As [`Msg::Empty`].
    Empty,
}

/// A payload of 4096 + `len % 12288` bytes counting up from `seed`.
pub fn big(len: u16, seed: u8) -> Vec<u8> {
    let n = 4096 + usize::from(len) % 12288;
    (0..n).map(|i| seed.wrapping_add(i as u8)).collect()
}

impl MsgSpec {
    /// The message.
    pub fn build(self) -> Msg {
        match self {
            MsgSpec::Event(e) => Msg::Event(e),
            MsgSpec::Tree(t) => Msg::Tree(t),
            MsgSpec::Sparse(s) => Msg::Sparse(s),
            MsgSpec::Blob(b) => Msg::Blob(b),
            MsgSpec::Big { len, seed } => Msg::Blob(big(len, seed)),
            MsgSpec::Unit => Msg::Unit(()),
            MsgSpec::Marker => Msg::Marker(Marker),
            MsgSpec::Empty => Msg::Empty(Empty {}),
        }
    }
}

/// The error, comparably.
fn key(e: &Error) -> (ErrorKind, Option<u64>) {
    (e.kind().clone(), e.offset())
}

fn is_write_zero(e: &Error) -> bool {
    e.kind() == &ErrorKind::Io(io::ErrorKind::WriteZero)
}

/// What a writer has done, as far as the checks need it.
trait Probe {
    fn out(&self) -> &[u8];
    fn pending(&self) -> usize;
    fn position(&self) -> u64;
}

impl<F> Probe for FrameWriter<Script, F> {
    fn out(&self) -> &[u8] {
        &self.get_ref().out
    }
    fn pending(&self) -> usize {
        FrameWriter::pending(self)
    }
    fn position(&self) -> u64 {
        FrameWriter::position(self)
    }
}

impl<F, E> Probe for MessageWriter<Script, F, E> {
    fn out(&self) -> &[u8] {
        &self.get_ref().out
    }
    fn pending(&self) -> usize {
        MessageWriter::pending(self)
    }
    fn position(&self) -> u64 {
        MessageWriter::position(self)
    }
}

/// The bytes taken are a prefix of `expected`, and with the bytes still
/// queued they make all of it: every frame accepted is there exactly once.
fn consistent(tx: &impl Probe, expected: &[u8]) {
    let out = tx.out();
    assert_eq!(
        tx.position(),
        out.len() as u64,
        "position() is not the bytes taken"
    );
    assert!(
        expected.starts_with(out),
        "the bytes written are not the frames in order:\n  wrote    {:02x?}\n  expected {:02x?}",
        &out[..out.len().min(64)],
        &expected[..expected.len().min(64)]
    );
    assert_eq!(
        out.len() + tx.pending(),
        expected.len(),
        "bytes written + pending is not every frame accepted, once"
    );
}

/// After `WriteZero` the connection is gone: what was written must be a
/// prefix of the frames accepted, plus maybe the one in progress.
fn broken(tx: &impl Probe, expected: &[u8], in_progress: Option<&[u8]>) {
    let mut all = expected.to_vec();
    all.extend_from_slice(in_progress.unwrap_or_default());
    assert!(
        all.starts_with(tx.out()),
        "after WriteZero the bytes written are not a prefix of the frames"
    );
}

/// The retry budget: every transient error costs a script step.
fn retry_budget(script_len: usize) -> usize {
    script_len + 8
}

/// How an operation ended.
enum Step {
    Done,
    Broken,
}

/// Retries `call` while it returns a transient error; `Ok`: `frame`
/// (which must then be `Ok`) is accepted; an error must be `frame`'s.
fn retry<W: Probe>(
    tx: &mut W,
    expected: &mut Vec<u8>,
    frame: Result<Vec<u8>, (ErrorKind, Option<u64>)>,
    retries: &mut usize,
    budget: usize,
    mut call: impl FnMut(&mut W) -> netwire::Result<()>,
) -> Step {
    loop {
        match call(tx) {
            Ok(()) => {
                match &frame {
                    Ok(bytes) => expected.extend_from_slice(bytes),
                    Err(e) => panic!("the writer took what the framing refuses: {e:?}"),
                }
                consistent(tx, expected);
                return Step::Done;
            }
            Err(e) if e.is_transient() => {
                *retries += 1;
                assert!(
                    *retries <= budget,
                    "{retries} transient errors from a script of {budget} steps: the writer spins"
                );
                // The frame is not queued.
                consistent(tx, expected);
            }
            Err(e) if is_write_zero(&e) => {
                broken(tx, expected, frame.as_ref().ok().map(|f| &f[..]));
                return Step::Broken;
            }
            Err(e) => {
                match &frame {
                    Err(want) => {
                        assert_eq!(&key(&e), want, "the writer refused with another error")
                    }
                    Ok(_) => panic!("the writer refused what the framing accepts: {e:?}"),
                }
                consistent(tx, expected);
                return Step::Done;
            }
        }
    }
}

/// Flushes until done (or `WriteZero`).
fn flush<W: Probe>(
    tx: &mut W,
    expected: &[u8],
    retries: &mut usize,
    budget: usize,
    mut call: impl FnMut(&mut W) -> netwire::Result<()>,
) -> Step {
    loop {
        match call(tx) {
            Ok(()) => {
                consistent(tx, expected);
                assert_eq!(tx.pending(), 0, "flush returned Ok with bytes pending");
                return Step::Done;
            }
            Err(e) if e.is_transient() => {
                *retries += 1;
                assert!(*retries <= budget, "flush spins");
                consistent(tx, expected);
            }
            Err(e) if is_write_zero(&e) => {
                broken(tx, expected, None);
                return Step::Broken;
            }
            Err(e) => panic!("flush failed with {e:?}"),
        }
    }
}

/// Encodes `payload` on its own: the frame, or the framing's error.
fn frame_of<F: FrameEncoder>(
    framing: &mut F,
    payload: &[u8],
) -> Result<Vec<u8>, (ErrorKind, Option<u64>)> {
    let mut dst = BytesMut::new();
    framing
        .encode(payload, &mut dst)
        .map(|()| dst.to_vec())
        .map_err(|e| key(&e))
}

/// Writes `ops` of payloads through a `FrameWriter` over `script`, then
/// flushes; the bytes must be the frames accepted, once each, in order.
/// Returns them and the payloads accepted, unless the writer broke
/// (`WriteZero`).
fn drive_frames<'p, F>(
    framing: &F,
    script: Script,
    ops: &'p [Op<Vec<u8>>],
) -> Option<(Vec<u8>, Vec<&'p [u8]>)>
where
    F: FrameEncoder + Clone,
{
    let budget = retry_budget(script.len());
    let mut reference = framing.clone();
    let mut tx = FrameWriter::new(script, framing.clone());
    let mut expected = Vec::new();
    let mut sent: Vec<&[u8]> = Vec::new();
    let mut retries = 0;
    for op in ops {
        let step = match op {
            Op::Write(p) => {
                let frame = frame_of(&mut reference, p);
                if frame.is_ok() {
                    sent.push(p);
                }
                retry(&mut tx, &mut expected, frame, &mut retries, budget, |tx| {
                    tx.write_frame(p)
                })
            }
            Op::Queue(p) => {
                let frame = frame_of(&mut reference, p);
                if frame.is_ok() {
                    sent.push(p);
                }
                // Queueing does no I/O: never transient.
                retry(&mut tx, &mut expected, frame, &mut retries, 0, |tx| {
                    tx.queue_frame(p)
                })
            }
            Op::Flush => flush(&mut tx, &expected, &mut retries, budget, |tx| tx.flush()),
        };
        if let Step::Broken = step {
            return None;
        }
    }
    if let Step::Broken = flush(&mut tx, &expected, &mut retries, budget, |tx| tx.flush()) {
        return None;
    }
    assert_eq!(tx.get_ref().out, expected, "flushed bytes differ");
    Some((expected, sent))
}

/// [`drive_frames`], then the bytes are read back with the same framing:
/// the payloads again (for a framing that ends its frame at the close,
/// only a single payload is read back).
pub fn frames<F>(framing: &F, script: Script, ops: &[Op<Vec<u8>>], until_close: bool)
where
    F: FrameEncoder + FrameDecoder + Clone,
{
    let Some((wire, sent)) = drive_frames(framing, script, ops) else {
        return;
    };
    if until_close && sent.len() > 1 {
        // One frame made of several payloads, each within the limit but
        // maybe not all together: the bytes were checked already.
        return;
    }
    let mut rx = FrameReader::new(&wire[..], framing.clone());
    let mut back = Vec::new();
    while let Some(frame) = rx.read_frame().expect("written frames read back") {
        back.push(frame.to_vec());
    }
    // An empty payload until the close is no frame at all.
    let want: Vec<Vec<u8>> = sent
        .iter()
        .filter(|p| !(until_close && p.is_empty()))
        .map(|p| p.to_vec())
        .collect();
    assert_eq!(back, want, "the frames read back are not the payloads");
}

/// [`drive_frames`] for a framing with nothing to read frames back with
/// (`SelfDelimited`): the bytes are the payloads, back to back.
pub fn bytes_only<F: FrameEncoder + Clone>(framing: &F, script: Script, ops: &[Op<Vec<u8>>]) {
    if let Some((wire, sent)) = drive_frames(framing, script, ops) {
        assert_eq!(wire, sent.concat(), "unframed payloads were changed");
    }
}

/// Encodes `msg` on its own with `encoding` and frames it. Without a
/// frame, what the reader could not read is refused first, as documented:
/// an encoding that cannot scan under `SelfDelimited::new()`, before the
/// message is encoded; under `retrying()`, the unframed encoding.
fn message_of<F: FrameEncoder, E: Encoding>(
    framing: &mut F,
    encoding: &E,
    msg: &Msg,
) -> Result<Vec<u8>, (ErrorKind, Option<u64>)> {
    let mut payload = BytesMut::new();
    match framing.message_ends() {
        MessageEnds::Scanned if encoding.scan(&[], 0) == Scan::Unknown => {
            // The reader's own words for it.
            let refused = MessageReader::with_encoding(&[0u8][..], SelfDelimited::new(), encoding)
                .read::<u8>()
                .expect_err("SelfDelimited::new() refuses an encoding that cannot scan");
            return Err(key(&refused));
        }
        MessageEnds::Decoded => encoding.encode_unframed_into_bytes(msg, &mut payload),
        _ => encoding.encode_into_bytes(msg, &mut payload),
    }
    .map_err(|e| key(&e))?;
    frame_of(framing, &payload)
}

/// Reads one message of `msg`'s type; its `net` encoding.
fn read_like<R: io::Read, F: MessageFraming, E: Encoding>(
    rx: &mut MessageReader<R, F, E>,
    msg: &Msg,
) -> netwire::Result<Option<Vec<u8>>> {
    fn one<T: serde::de::DeserializeOwned + Serialize>(
        r: netwire::Result<Option<T>>,
    ) -> netwire::Result<Option<Vec<u8>>> {
        r.map(|m| m.map(|m| exact(&m)))
    }
    match msg {
        Msg::Event(_) => one(rx.read::<Event>()),
        Msg::Tree(_) => one(rx.read::<Tree>()),
        Msg::Sparse(_) => one(rx.read::<Sparse>()),
        Msg::Blob(_) => one(rx.read::<serde_bytes::ByteBuf>()),
        Msg::Unit(_) => one(rx.read::<()>()),
        Msg::Marker(_) => one(rx.read::<Marker>()),
        Msg::Empty(_) => one(rx.read::<Empty>()),
    }
}

/// As [`frames`] for messages through a `MessageWriter`: the writer
/// refuses exactly what encoding and framing each message on its own
/// refuses, and what it writes reads back (with `reader`, a framing for
/// the same stream) as the messages it accepted: the encoders refuse
/// whatever their decoders would.
pub fn messages<F, R, E>(
    framing: &F,
    reader: Option<R>,
    encoding: &E,
    script: Script,
    ops: &[Op<Msg>],
) where
    F: FrameEncoder + Clone,
    R: MessageFraming,
    E: Encoding + Clone,
{
    let budget = retry_budget(script.len());
    let mut reference = framing.clone();
    let mut tx = MessageWriter::with_encoding(script, framing.clone(), encoding.clone());
    let mut expected = Vec::new();
    // The messages accepted, and whether their frame takes any bytes.
    let mut sent: Vec<(&Msg, bool)> = Vec::new();
    let mut retries = 0;
    for op in ops {
        let step = match op {
            Op::Write(m) => {
                let frame = message_of(&mut reference, encoding, m);
                if let Ok(f) = &frame {
                    sent.push((m, !f.is_empty()));
                }
                retry(&mut tx, &mut expected, frame, &mut retries, budget, |tx| {
                    tx.write(m)
                })
            }
            Op::Queue(m) => {
                let frame = message_of(&mut reference, encoding, m);
                if let Ok(f) = &frame {
                    sent.push((m, !f.is_empty()));
                }
                retry(&mut tx, &mut expected, frame, &mut retries, 0, |tx| {
                    tx.queue(m)
                })
            }
            Op::Flush => flush(&mut tx, &expected, &mut retries, budget, |tx| tx.flush()),
        };
        if let Step::Broken = step {
            return;
        }
    }
    if let Step::Broken = flush(&mut tx, &expected, &mut retries, budget, |tx| tx.flush()) {
        return;
    }
    assert_eq!(tx.get_ref().out, expected, "flushed bytes differ");
    let Some(reader) = reader else {
        return;
    };
    let mut rx = MessageReader::with_encoding(&expected[..], reader, encoding.clone());
    // A zero-byte frame (an empty message until the close) leaves nothing
    // on the wire to read back.
    let visible: Vec<&Msg> = sent.iter().filter(|(_, v)| *v).map(|(m, _)| *m).collect();
    for (i, m) in visible.iter().enumerate() {
        match read_like(&mut rx, m) {
            Ok(Some(back)) => assert_eq!(
                back,
                exact(m),
                "message {i} reads back as another value: {m:?}"
            ),
            other => panic!("message {i} ({m:?}) written, but reading it back gave {other:?}"),
        }
    }
    match rx.read::<()>() {
        Ok(None) => {}
        // A fixed frame longer than the encoding's limit: no message can be
        // written, and the reader refuses at once, as documented.
        Err(e)
            if visible.is_empty()
                && matches!(e.kind(), ErrorKind::LengthOverLimit { .. })
                && e.offset() == Some(0) => {}
        other => panic!("bytes after the messages written: {other:?}"),
    }
}
