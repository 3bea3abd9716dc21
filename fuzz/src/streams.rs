//! The stream targets' checks: a stream read under the input's schedule
//! gives what it gives when the bytes arrive at once, and each read-through
//! stays within its work budget ([`crate::budget`]).

use std::io;
use std::rc::Rc;

use netwire::Encoding;
use netwire::frame::FrameDecoder;
use netwire::message::MessageFraming;
use netwire::stream::{FrameReader, MessageReader};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::budget::{self, Counted, CountedFraming, Kind, Work};
use crate::schedule::{End, Input, Reads, Scheduled, comparable};

/// The `net` encoding of a decoded item: compares exactly, NaN included.
pub fn exact<T: Serialize>(value: &T) -> Vec<u8> {
    netwire::net::to_vec(value).expect("a decoded message encodes")
}

/// What one read-through gave: the items (as bytes), how it ended, and
/// how many items came after the reader first returned `Ok(0)`.
#[derive(Debug)]
pub struct Run {
    /// The items, in order.
    pub items: Vec<Vec<u8>>,
    /// How the stream ended.
    pub end: End,
    /// Items found once the reader had reported its end.
    pub after_eof: usize,
}

/// Calls `next` on `state` until the end, an error or too many items,
/// calling again after `WouldBlock`; `reads` tells what the reader did.
pub fn collect<S>(
    state: &mut S,
    max_items: usize,
    mut next: impl FnMut(&mut S) -> netwire::Result<Option<Vec<u8>>>,
    reads: impl Fn(&S) -> Reads,
) -> Run {
    let mut run = Run {
        items: Vec::new(),
        end: End::Runaway,
        after_eof: 0,
    };
    // A WouldBlock costs a schedule step, so this many calls are enough.
    for _ in 0..max_items.saturating_mul(4).saturating_add(1 << 16) {
        match next(state) {
            Ok(Some(item)) => {
                run.items.push(item);
                if reads(state).eof > 0 {
                    run.after_eof += 1;
                }
                if run.items.len() > max_items {
                    return run;
                }
            }
            Ok(None) => {
                run.end = End::Clean;
                return run;
            }
            Err(e) if e.kind() == &netwire::ErrorKind::Io(io::ErrorKind::WouldBlock) => {}
            Err(e) => {
                run.end = End::Error(comparable(e.kind()), e.offset());
                return run;
            }
        }
    }
    run
}

/// Reads `T` messages from `reader` with the framing and encoding `make`
/// builds around a fresh [`Work`], and checks the budget of `kind`.
pub fn read_messages<T, F, E>(
    make: &impl Fn(&Rc<Work>) -> (F, E),
    reader: Scheduled<'_>,
    kind: Kind,
) -> Run
where
    T: DeserializeOwned + Serialize,
    F: MessageFraming,
    E: Encoding,
{
    let max = reader.rest().len() + 1;
    let work = Rc::new(Work::default());
    let (framing, encoding) = make(&work);
    let mut rx = MessageReader::with_encoding(reader, framing, encoding);
    let run = collect(
        &mut rx,
        max,
        |rx| rx.read::<T>().map(|m| m.map(|m| exact(&m))),
        |rx| rx.get_ref().reads,
    );
    budget::check(
        kind,
        &work,
        &rx.get_ref().reads,
        run.items.len(),
        run.after_eof,
    );
    run
}

/// [`read_messages`] at once and under the input's schedule: the same
/// messages and the same end, and no runaway.
pub fn messages<T, F, E>(make: impl Fn(&Rc<Work>) -> (F, E), input: &Input, kind: Kind) -> Run
where
    T: DeserializeOwned + Serialize,
    F: MessageFraming,
    E: Encoding,
{
    let at_once = read_messages::<T, F, E>(&make, Scheduled::at_once(&input.data), kind);
    let scheduled =
        read_messages::<T, F, E>(&make, Scheduled::new(&input.data, &input.steps), kind);
    assert_ne!(at_once.end, End::Runaway, "the reader did not stop");
    assert_eq!(
        (&at_once.items, &at_once.end),
        (&scheduled.items, &scheduled.end),
        "the read schedule changed the messages"
    );
    at_once
}

/// A framed message stream: the framing counted, the encoding counted.
pub fn framed_messages<T, F, E>(framing: &F, encoding: &E, input: &Input) -> Run
where
    T: DeserializeOwned + Serialize,
    F: FrameDecoder + Clone,
    E: Encoding + Clone,
{
    messages::<T, _, _>(
        |w| {
            (
                CountedFraming::new(framing.clone(), w),
                Counted::new(encoding.clone(), w),
            )
        },
        input,
        Kind::Framed,
    )
}

/// Reads raw frames from `reader` and checks their budget.
pub fn read_frames<F: FrameDecoder>(framing: F, reader: Scheduled<'_>) -> Run {
    let max = reader.rest().len() + 1;
    let work = Rc::new(Work::default());
    let mut rx = FrameReader::new(reader, CountedFraming::new(framing, &work));
    let run = collect(
        &mut rx,
        max,
        |rx| rx.read_frame().map(|f| f.map(|f| f.to_vec())),
        |rx| rx.get_ref().reads,
    );
    budget::check(
        Kind::Frames,
        &work,
        &rx.get_ref().reads,
        run.items.len(),
        run.after_eof,
    );
    run
}

/// [`read_frames`] at once and under the schedule: the same frames.
pub fn frames<F: FrameDecoder + Clone>(framing: &F, input: &Input) -> Run {
    let at_once = read_frames(framing.clone(), Scheduled::at_once(&input.data));
    let scheduled = read_frames(framing.clone(), Scheduled::new(&input.data, &input.steps));
    assert_ne!(at_once.end, End::Runaway, "the reader did not stop");
    assert_eq!(
        (&at_once.items, &at_once.end),
        (&scheduled.items, &scheduled.end),
        "the read schedule changed the frames"
    );
    at_once
}
