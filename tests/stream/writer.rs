//! FrameWriter against scripted writers: partial writes, `Ok(0)`,
//! `Interrupted`, `WouldBlock`, `TimedOut`.

use std::io;

use crate::support;
use crate::support::io::{Draws, Mix, ScriptedWriter, Step, Tiny, is_retry, tiny_stream};
use netwire::ErrorKind;
use netwire::stream::FrameWriter;
use quickcheck::QuickCheck;

/// How these tests draw their schedules.
struct WriteSchedules;

impl Draws for WriteSchedules {
    const MIX: Mix = Mix {
        max_steps: 100,
        draws: 8,
        short_draws: 0,
        short: 1,
        long: 40,
    };
}

type Schedule = support::io::Schedule<WriteSchedules>;

#[test]
fn the_obvious_retry_loop_writes_every_frame_exactly_once() {
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
            // A transient error means "not queued": write it again. `Ok`
            // means queued, whether or not all of it went out yet.
            let mut tries = 0;
            while let Err(e) = tx.write_frame(p) {
                assert!(is_retry(&e), "{e}");
                tries += 1;
                assert!(tries < 1000);
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
fn a_write_that_would_block_is_queued_and_reports_success() {
    let script = [Step::Bytes(3), Step::WouldBlock, Step::TimedOut];
    let mut tx = FrameWriter::new(ScriptedWriter::new(script), Tiny);
    // 3 bytes went out, the socket is full: the frame is queued, and `Ok`
    // says so, so a retry loop does not send it again.
    tx.write_frame(b"abcdef").unwrap();
    assert_eq!(tx.pending(), 4);
    // The next frame cannot be queued while the rest still waits: a
    // transient error, and nothing new in the queue.
    let e = tx.write_frame(b"xy").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Io(io::ErrorKind::TimedOut));
    assert!(e.is_transient());
    assert_eq!(tx.pending(), 4);
    // Retrying is right: the backlog goes, then the frame.
    tx.write_frame(b"xy").unwrap();
    tx.flush().unwrap();
    assert_eq!(tx.get_ref().data, b"\x06abcdef\x02xy");
    assert_eq!(tx.get_ref().flushes, 1);
}

#[test]
fn flush_reports_would_block_while_bytes_wait() {
    let script = [Step::WouldBlock, Step::WouldBlock, Step::Bytes(2)];
    let mut tx = FrameWriter::new(ScriptedWriter::new(script), Tiny);
    tx.write_frame(b"abc").unwrap();
    assert_eq!(tx.pending(), 4);
    let e = tx.flush().unwrap_err();
    assert!(e.is_transient(), "{e}");
    assert_eq!(tx.pending(), 4);
    tx.flush().unwrap();
    assert_eq!(tx.pending(), 0);
    assert_eq!(tx.get_ref().data, b"\x03abc");
}

#[test]
fn framing_errors_queue_nothing() {
    let mut tx = FrameWriter::new(ScriptedWriter::new([Step::WouldBlock]), Tiny);
    tx.write_frame(b"ok").unwrap();
    assert_eq!(tx.pending(), 3);
    // The backlog goes first; the bad frame adds nothing to the queue.
    let e = tx.write_frame(&[0; 300]).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::LengthOverflow { len: 300, max: 255 });
    assert_eq!(tx.pending(), 0);
    assert_eq!(tx.get_ref().data, b"\x02ok");
    assert!(tx.queue_frame(&[0; 300]).is_err());
    assert_eq!(tx.pending(), 0);
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
    tx.write_frame(b"abc").unwrap();
    let (w, queue) = tx.into_parts();
    assert!(w.data.is_empty());
    assert_eq!(&queue[..], b"\x03abc");
}
