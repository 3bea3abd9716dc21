//! FrameWriter against scripted writers: partial writes, `Ok(0)`,
//! `Interrupted`, `WouldBlock`, `TimedOut`.

mod stream_support;

use std::io;

use netwire::ErrorKind;
use netwire::stream::FrameWriter;
use quickcheck::{Arbitrary, Gen, QuickCheck};
use stream_support::{Mix, ScriptedWriter, Step, Tiny, is_retry, tiny_stream};

/// How these tests draw their schedules.
const MIX: Mix = Mix {
    max_steps: 100,
    draws: 8,
    short_draws: 0,
    short: 1,
    long: 40,
};

#[derive(Debug, Clone)]
struct Schedule(Vec<Step>);

impl Arbitrary for Schedule {
    fn arbitrary(g: &mut Gen) -> Self {
        Schedule(MIX.steps(g))
    }
}

#[test]
fn any_schedule_writes_every_frame_exactly_once() {
    fn prop(raw: Vec<Vec<u8>>, schedule: Schedule, queue_some: bool) -> bool {
        let payloads: Vec<Vec<u8>> = raw
            .into_iter()
            .map(|mut p| {
                p.truncate(255);
                p
            })
            .collect();
        let mut tx = FrameWriter::new(ScriptedWriter::new(schedule.0), Tiny);
        for (i, p) in payloads.iter().enumerate() {
            if queue_some && i % 3 == 0 {
                tx.queue_frame(p).unwrap();
                continue;
            }
            match tx.write_frame(p) {
                Ok(()) => assert_eq!(tx.pending(), 0),
                // The frame is queued: never write it again.
                Err(e) => assert!(is_retry(&e), "{e}"),
            }
        }
        let mut tries = 0;
        while let Err(e) = tx.flush() {
            assert!(is_retry(&e));
            tries += 1;
            assert!(tries < 1000);
        }
        tx.pending() == 0
            && tx.get_ref().data == tiny_stream(&payloads)
            && tx.position() == tx.get_ref().data.len() as u64
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Vec<u8>>, Schedule, bool) -> bool);
}

#[test]
fn partial_writes_are_looped() {
    let script = [
        Step::Bytes(1),
        Step::Bytes(2),
        Step::Interrupted,
        Step::Bytes(1),
    ];
    let mut tx = FrameWriter::new(ScriptedWriter::new(script), Tiny);
    tx.write_frame(b"hello").unwrap();
    assert_eq!(tx.get_ref().data, b"\x05hello");
    assert_eq!(tx.pending(), 0);
    assert_eq!(tx.position(), 6);
}

#[test]
fn write_zero_is_an_error_and_keeps_the_frame() {
    let script = [Step::Bytes(2), Step::Zero];
    let mut tx = FrameWriter::new(ScriptedWriter::new(script), Tiny);
    let e = tx.write_frame(b"abcd").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Io(io::ErrorKind::WriteZero));
    assert_eq!(e.offset(), Some(2));
    assert_eq!(tx.pending(), 3);
    // The writer recovers (the script is over): the rest goes out once.
    tx.flush().unwrap();
    assert_eq!(tx.get_ref().data, b"\x04abcd");
}

#[test]
fn would_block_keeps_the_rest_queued() {
    let script = [Step::Bytes(3), Step::WouldBlock, Step::TimedOut];
    let mut tx = FrameWriter::new(ScriptedWriter::new(script), Tiny);
    let e = tx.write_frame(b"abcdef").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Io(io::ErrorKind::WouldBlock));
    assert_eq!(tx.pending(), 4);
    // A new frame joins the queue behind the unsent rest.
    let e = tx.write_frame(b"xy").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Io(io::ErrorKind::TimedOut));
    assert_eq!(tx.pending(), 7);
    tx.flush().unwrap();
    assert_eq!(tx.get_ref().data, b"\x06abcdef\x02xy");
    assert_eq!(tx.get_ref().flushes, 1);
}

#[test]
fn framing_errors_queue_nothing() {
    let mut tx = FrameWriter::new(ScriptedWriter::new([]), Tiny);
    tx.queue_frame(b"ok").unwrap();
    let e = tx.write_frame(&[0; 300]).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::LengthOverflow { len: 300, max: 255 });
    assert_eq!(tx.pending(), 3);
    tx.flush().unwrap();
    assert_eq!(tx.get_ref().data, b"\x02ok");
}

#[test]
fn queued_frames_leave_in_one_write() {
    let mut tx = FrameWriter::new(ScriptedWriter::new([]), Tiny);
    for p in [&b"a"[..], b"bc", b"def"] {
        tx.queue_frame(p).unwrap();
    }
    assert!(tx.get_ref().data.is_empty());
    assert_eq!(tx.pending(), 9);
    tx.flush().unwrap();
    assert_eq!(tx.get_ref().data, b"\x01a\x02bc\x03def");
}

#[test]
fn into_parts_returns_the_queue() {
    let mut tx = FrameWriter::new(ScriptedWriter::new([Step::WouldBlock]), Tiny);
    assert!(tx.write_frame(b"abc").is_err());
    let (w, queue) = tx.into_parts();
    assert!(w.data.is_empty());
    assert_eq!(&queue[..], b"\x03abc");
}
