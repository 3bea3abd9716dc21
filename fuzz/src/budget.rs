//! Work budgets: an [`Encoding`] and a [`FrameDecoder`] that forward to
//! the real ones and count what they are asked to do, and the bounds the
//! stream targets hold that count to. A reader that decodes a message
//! again on every read, or a framing that is asked again and again about
//! the same bytes, then fails a target like a crash does, so libFuzzer
//! looks for slow inputs too.

use std::cell::Cell;
use std::rc::Rc;

use bytes::BytesMut;
use netwire::frame::{FrameDecoder, FrameEncoder, Span};
use netwire::{Encoding, Result, Scan};
use serde::{Deserialize, Serialize};

use crate::schedule::Reads;

/// What a [`Counted`] encoding and a [`CountedFraming`] were asked to do.
#[derive(Debug, Default)]
pub struct Work {
    /// Calls of `decode` and `decode_prefix`.
    pub attempts: Cell<u64>,
    /// Bytes given to those calls, added up.
    pub given: Cell<u64>,
    /// Bytes the decoder went through: what a successful `decode_prefix`
    /// used, all of its input otherwise. (A self-delimited reader hands
    /// `decode_prefix` all it has buffered, several messages maybe; the
    /// decoder reads one of them, so `given` overstates the work.)
    pub decoded: Cell<u64>,
    /// Calls of `scan`.
    pub scans: Cell<u64>,
    /// Calls of `decode_span` and `decode_span_eof`.
    pub spans: Cell<u64>,
}

fn bump(cell: &Cell<u64>, by: u64) {
    cell.set(cell.get().saturating_add(by));
}

impl Work {
    fn attempt(&self, given: usize) {
        bump(&self.attempts, 1);
        bump(&self.given, given as u64);
    }
}

/// An encoding that forwards to `inner` and counts in `work`.
#[derive(Debug, Clone)]
pub struct Counted<E> {
    /// The real encoding.
    pub inner: E,
    /// Where the calls are counted.
    pub work: Rc<Work>,
}

impl<E> Counted<E> {
    /// Counts `inner`'s calls in `work`.
    pub fn new(inner: E, work: &Rc<Work>) -> Self {
        Counted {
            inner,
            work: Rc::clone(work),
        }
    }
}

impl<E: Encoding> Encoding for Counted<E> {
    fn encode_into<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        self.inner.encode_into(value, out)
    }

    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T> {
        self.work.attempt(input.len());
        bump(&self.work.decoded, input.len() as u64);
        self.inner.decode(input)
    }

    fn decode_prefix<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<(T, usize)> {
        self.work.attempt(input.len());
        let result = self.inner.decode_prefix(input);
        let went = match &result {
            Ok((_, used)) => (*used).min(input.len()),
            Err(_) => input.len(),
        };
        bump(&self.work.decoded, went as u64);
        result
    }

    fn limit(&self) -> usize {
        self.inner.limit()
    }

    fn scan(&self, input: &[u8], from: usize) -> Scan {
        bump(&self.work.scans, 1);
        self.inner.scan(input, from)
    }
}

/// A framing that forwards to `inner` and counts its `decode_span` calls.
#[derive(Debug, Clone)]
pub struct CountedFraming<F> {
    /// The real framing.
    pub inner: F,
    /// Where the calls are counted.
    pub work: Rc<Work>,
}

impl<F> CountedFraming<F> {
    /// Counts `inner`'s calls in `work`.
    pub fn new(inner: F, work: &Rc<Work>) -> Self {
        CountedFraming {
            inner,
            work: Rc::clone(work),
        }
    }
}

impl<F: FrameDecoder> FrameDecoder for CountedFraming<F> {
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        bump(&self.work.spans, 1);
        self.inner.decode_span(src)
    }

    fn decode_span_eof(&mut self, src: &[u8]) -> Result<Option<Span>> {
        bump(&self.work.spans, 1);
        self.inner.decode_span_eof(src)
    }

    fn lower_limit(&mut self, max: usize) {
        self.inner.lower_limit(max);
    }

    fn needed(&self) -> Option<usize> {
        self.inner.needed()
    }
}

impl<F: FrameEncoder> FrameEncoder for CountedFraming<F> {
    fn encode_head(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        self.inner.encode_head(payload, dst)
    }

    fn encode_tail(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        self.inner.encode_tail(payload, dst)
    }

    fn encode(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        self.inner.encode(payload, dst)
    }
}

/// How a stream finds its messages, for the bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Raw frames (`FrameReader`): no decoding.
    Frames,
    /// One message per frame.
    Framed,
    /// Self-delimited with a scanning encoding (`ascii`, `new()`).
    Scanned,
    /// Self-delimited, decoded again as bytes arrive (`net`, `retrying()`).
    Retrying,
}

/// Slack for the first call, the end of the stream and the last error.
const SLACK: u64 = 4;

/// Checks one read-through of a stream against its budget: `items` items
/// came out, `after_eof` of them after the reader had first returned
/// `Ok(0)`, and `reads` is what the reader was asked.
///
/// - The reader is not read again after the end of the stream, except
///   once per item still found at the end.
/// - The framing is asked once per read that brought bytes, once per item
///   and once more: it keeps its own state between calls.
/// - Framed messages and scanned ones are decoded once each (plus the one
///   that fails); the scan runs once per read and per message.
/// - Retrying decodes at most once per read and per message.
/// - Decoding goes through at most 4 times the bytes received (retrying
///   is exempt: documented as possibly quadratic).
pub fn check(kind: Kind, work: &Work, reads: &Reads, items: usize, after_eof: usize) {
    let items = items as u64;
    let after_eof = after_eof as u64;
    let per_read = reads.data + reads.eof + items + SLACK;
    assert!(
        reads.eof <= after_eof + 1,
        "the reader was read {} times after its end ({after_eof} items came after it)",
        reads.eof
    );
    assert!(
        work.spans.get() <= per_read + items,
        "the framing was asked {} times for {items} items over {reads:?}",
        work.spans.get()
    );
    let attempts = work.attempts.get();
    match kind {
        Kind::Frames => assert_eq!(attempts, 0, "raw frames were decoded"),
        Kind::Framed | Kind::Scanned => assert!(
            attempts <= items + 1,
            "{attempts} decode attempts for {items} messages ({kind:?}, {reads:?})"
        ),
        Kind::Retrying => assert!(
            attempts <= per_read,
            "{attempts} decode attempts for {items} messages over {reads:?}"
        ),
    }
    assert!(
        work.scans.get() <= per_read + items,
        "{} scans for {items} messages over {reads:?}",
        work.scans.get()
    );
    if kind != Kind::Retrying {
        let bound = 4 * reads.received + 64;
        assert!(
            work.decoded.get() <= bound,
            "decoding went through {} bytes for {} received ({kind:?}, {work:?})",
            work.decoded.get(),
            reads.received
        );
    }
    if matches!(kind, Kind::Frames | Kind::Framed) {
        // A frame's payload is decoded from the frame alone.
        assert!(
            work.given.get() <= reads.received,
            "decoding was given {} bytes of frames for {} received",
            work.given.get(),
            reads.received
        );
    }
}
