//! FrameReader against scripted readers: every read pattern, every EOF
//! position, injected `Interrupted`/`WouldBlock`/`TimedOut`.

use std::io;

use crate::support;
use crate::support::io::{
    Draws, Mix, ScriptedReader, Step, Tiny, is_retry, read_all_frames, tiny_stream,
};
use netwire::frame::{FrameDecoder, Span};
use netwire::stream::{FrameReader, MessageReader};
use netwire::{ErrorKind, Result};
use quickcheck::QuickCheck;

/// How these tests draw their schedules.
struct FrameReads;

impl Draws for FrameReads {
    const MIX: Mix = Mix {
        max_steps: 200,
        draws: 10,
        short_draws: 4,
        short: 4,
        long: 300,
    };
}

type Schedule = support::io::Schedule<FrameReads>;

fn payloads(raw: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    raw.into_iter()
        .map(|mut p| {
            p.truncate(255);
            p
        })
        .collect()
}

#[test]
fn any_schedule_yields_the_same_frames() {
    fn prop(raw: Vec<Vec<u8>>, schedule: Schedule, tail: u8) -> bool {
        let payloads = payloads(raw);
        let reader = ScriptedReader::new(tiny_stream(&payloads), schedule.0)
            .tail_chunk(1 + usize::from(tail));
        let mut rx = FrameReader::with_capacity(64, reader, Tiny);
        let frames = read_all_frames(&mut rx).expect("no error");
        frames.len() == payloads.len()
            && frames.iter().zip(&payloads).all(|(f, p)| f[..] == p[..])
            && rx.get_ref().remaining() == 0
            && rx.position() == tiny_stream(&payloads).len() as u64
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Vec<u8>>, Schedule, u8) -> bool);
}

#[test]
fn one_byte_at_a_time() {
    let payloads: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; i as usize * 3]).collect();
    let stream = tiny_stream(&payloads);
    let reader = ScriptedReader::new(stream.clone(), []).tail_chunk(1);
    let mut rx = FrameReader::new(reader, Tiny);
    let frames = read_all_frames(&mut rx).unwrap();
    assert_eq!(frames.len(), payloads.len());
    for (f, p) in frames.iter().zip(&payloads) {
        assert_eq!(&f[..], &p[..]);
    }
    // One read per byte plus the final read of 0.
    assert_eq!(rx.get_ref().calls, stream.len() + 1);
}

#[test]
fn would_block_at_every_position_keeps_all_state() {
    let payloads: Vec<Vec<u8>> = vec![b"hello".to_vec(), vec![], b"world!".to_vec()];
    let stream = tiny_stream(&payloads);
    // Byte, WouldBlock, byte, WouldBlock, ...
    let script: Vec<Step> = (0..stream.len())
        .flat_map(|_| [Step::Bytes(1), Step::WouldBlock])
        .collect();
    let mut rx = FrameReader::new(ScriptedReader::new(stream.clone(), script), Tiny);
    let mut frames = Vec::new();
    let mut would_block = 0;
    loop {
        match rx.read_frame() {
            Ok(Some(f)) => frames.push(f),
            Ok(None) => break,
            Err(e) => {
                assert_eq!(e.kind(), &ErrorKind::Io(io::ErrorKind::WouldBlock));
                assert_eq!(e.io_error().unwrap().kind(), io::ErrorKind::WouldBlock);
                // The offset is where the next byte will land.
                assert_eq!(e.offset(), Some(rx.position() + rx.buffer().len() as u64));
                would_block += 1;
                assert!(would_block <= stream.len());
            }
        }
    }
    assert_eq!(would_block, stream.len());
    assert_eq!(frames, payloads);
}

#[test]
fn interrupted_is_retried_without_surfacing() {
    let payloads = vec![b"abc".to_vec(), b"de".to_vec()];
    let script = [
        Step::Interrupted,
        Step::Bytes(2),
        Step::Interrupted,
        Step::Interrupted,
        Step::Bytes(2),
        Step::Interrupted,
    ];
    let mut rx = FrameReader::new(ScriptedReader::new(tiny_stream(&payloads), script), Tiny);
    assert_eq!(rx.read_frame().unwrap().unwrap(), &b"abc"[..]);
    assert_eq!(rx.read_frame().unwrap().unwrap(), &b"de"[..]);
    assert_eq!(rx.read_frame().unwrap(), None);
}

#[test]
fn timed_out_continues_the_same_frame() {
    let stream = tiny_stream(&[b"0123456789".to_vec()]);
    let script = [
        Step::Bytes(4),
        Step::TimedOut,
        Step::Bytes(3),
        Step::TimedOut,
    ];
    let mut rx = FrameReader::new(ScriptedReader::new(stream, script), Tiny);
    for _ in 0..2 {
        let e = rx.read_frame().unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::Io(io::ErrorKind::TimedOut));
    }
    assert_eq!(rx.buffer(), b"\x0a012345");
    assert_eq!(rx.read_frame().unwrap().unwrap(), &b"0123456789"[..]);
    assert_eq!(rx.read_frame().unwrap(), None);
}

#[test]
fn eof_at_every_offset() {
    let payloads = vec![b"ab".to_vec(), vec![], b"cdefg".to_vec(), b"h".to_vec()];
    let stream = tiny_stream(&payloads);
    // Stream offsets where each frame starts, and the end.
    let mut starts = vec![0usize];
    for p in &payloads {
        starts.push(starts.last().unwrap() + 1 + p.len());
    }
    for cut in 0..=stream.len() {
        for chunk in [1, 3, 100] {
            let reader = ScriptedReader::new(stream[..cut].to_vec(), []).tail_chunk(chunk);
            let mut rx = FrameReader::new(reader, Tiny);
            let mut got = Vec::new();
            let outcome = loop {
                match rx.read_frame() {
                    Ok(Some(f)) => got.push(f),
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            // Frames that fit entirely before the cut.
            let whole = starts.iter().skip(1).filter(|&&end| end <= cut).count();
            assert_eq!(got.len(), whole, "cut {cut}");
            assert_eq!(got, payloads[..whole], "cut {cut}");
            let start = starts[whole];
            if start == cut {
                assert!(outcome.is_ok(), "cut {cut}: clean end expected");
            } else {
                let e = outcome.unwrap_err();
                let expected = 1 + payloads[whole].len() as u64;
                assert_eq!(
                    e.kind(),
                    &ErrorKind::Truncated {
                        received: (cut - start) as u64,
                        expected: Some(expected)
                    },
                    "cut {cut}"
                );
                assert_eq!(e.offset(), Some(start as u64), "cut {cut}");
                // Calling again reports the same error, it does not hang.
                assert_eq!(rx.read_frame().unwrap_err().kind(), e.kind());
            }
        }
    }
}

#[test]
fn keeps_bytes_of_the_next_frame() {
    // Everything arrives in one read: three frames come out of one buffer.
    let payloads = vec![b"one".to_vec(), b"two".to_vec(), b"three".to_vec()];
    let reader = ScriptedReader::new(tiny_stream(&payloads), [Step::Bytes(1000)]);
    let mut rx = FrameReader::new(reader, Tiny);
    assert_eq!(rx.read_frame().unwrap().unwrap(), &b"one"[..]);
    assert_eq!(rx.get_ref().calls, 1);
    assert_eq!(rx.buffer(), b"\x03two\x05three");
    assert_eq!(rx.read_frame().unwrap().unwrap(), &b"two"[..]);
    assert_eq!(rx.read_frame().unwrap().unwrap(), &b"three"[..]);
    assert_eq!(rx.get_ref().calls, 1);
    assert_eq!(rx.read_frame().unwrap(), None);
    assert_eq!(rx.position(), 14);
}

#[test]
fn reads_are_large_not_per_frame() {
    // 1000 small frames read from a reader that gives as much as asked.
    let payloads: Vec<Vec<u8>> = (0..1000u32).map(|i| i.to_be_bytes().to_vec()).collect();
    let stream = tiny_stream(&payloads);
    let mut rx = FrameReader::new(ScriptedReader::new(stream.clone(), []), Tiny);
    let frames = read_all_frames(&mut rx).unwrap();
    assert_eq!(frames.len(), 1000);
    // 5000 bytes in 8 KiB reads: one read with data, one read of 0.
    assert_eq!(rx.get_ref().calls, 2);
}

#[test]
fn frames_share_the_buffer_and_outlive_later_reads() {
    let payloads: Vec<Vec<u8>> = (0..200u8).map(|i| vec![i; 100]).collect();
    let reader = ScriptedReader::new(tiny_stream(&payloads), []).tail_chunk(777);
    let mut rx = FrameReader::with_capacity(512, reader, Tiny);
    // Keep every frame alive while reading on: earlier frames must not be
    // overwritten by later reads.
    let frames = read_all_frames(&mut rx).unwrap();
    for (f, p) in frames.iter().zip(&payloads) {
        assert_eq!(&f[..], &p[..]);
    }
}

#[test]
fn into_parts_returns_unread_bytes() {
    let stream = tiny_stream(&[b"ab".to_vec(), b"cd".to_vec()]);
    let mut rx = FrameReader::new(ScriptedReader::new(stream, []), Tiny);
    assert_eq!(rx.read_frame().unwrap().unwrap(), &b"ab"[..]);
    let (_reader, rest) = rx.into_parts();
    assert_eq!(&rest[..], b"\x02cd");
}

#[test]
fn io_errors_carry_the_stream_offset() {
    let stream = tiny_stream(&[b"abc".to_vec(), b"defg".to_vec()]);
    let reader = ScriptedReader::new(stream, [Step::Bytes(6), Step::WouldBlock]);
    let mut rx = FrameReader::new(reader, Tiny);
    assert_eq!(rx.read_frame().unwrap().unwrap(), &b"abc"[..]);
    let e = rx.read_frame().unwrap_err();
    assert!(is_retry(&e));
    assert_eq!(e.offset(), Some(6));
    assert_eq!(rx.read_frame().unwrap().unwrap(), &b"defg"[..]);
}

/// A framing that reports a frame longer than its input, or one of no
/// bytes at all: a bug in user code, which must surface as an error.
struct Lying(Span);

impl FrameDecoder for Lying {
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        Ok((!src.is_empty()).then(|| self.0.clone()))
    }
}

#[test]
fn a_span_outside_the_input_is_an_error_not_a_panic() {
    let lies = [Span::new(0..3, 9), Span::new(0..4, 3), Span::new(0..0, 0)];
    for lie in lies {
        let mut src = bytes::BytesMut::from(&b"abcd"[..]);
        let err = Lying(lie.clone()).decode(&mut src).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)), "{lie:?}");
        assert_eq!(&src[..], b"abcd", "{lie:?}: nothing consumed");

        let mut rx = FrameReader::new(&b"abcd"[..], Lying(lie.clone()));
        let err = rx.read_frame().unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)), "{lie:?}");

        let mut rx = MessageReader::new(&b"abcd"[..], Lying(lie.clone()));
        let err = rx.read::<u8>().unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)), "{lie:?}");
    }
}
