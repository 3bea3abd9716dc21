//! Every framing strategy through FrameReader/FrameWriter: for random
//! payloads and random read schedules, the frames equal the payloads and
//! equal what one big read gives.

use crate::support;
use crate::support::io::{Draws, Mix, ScriptedReader, ScriptedWriter, read_all_frames};
use netwire::frame::{
    AsciiLength, Delimited, FixedLength, FrameDecoder, FrameEncoder, LengthPrefixed,
};
use netwire::stream::{FrameReader, FrameWriter};
use quickcheck::QuickCheck;

/// How these tests draw their schedules.
struct FramingSchedules;

impl Draws for FramingSchedules {
    const MIX: Mix = Mix {
        max_steps: 200,
        draws: 8,
        short_draws: 3,
        short: 3,
        long: 100,
    };
}

type Schedule = support::io::Schedule<FramingSchedules>;

/// Writes the payloads the framing accepts (through a writer that takes
/// partial writes), reads them back under `schedule`, and checks the frames.
fn round_trip<F>(framing: F, payloads: Vec<Vec<u8>>, schedule: Schedule) -> bool
where
    F: FrameDecoder + FrameEncoder + Clone,
{
    // The writer gets the same schedule: partial writes and faults.
    let mut tx = FrameWriter::new(ScriptedWriter::new(schedule.0.clone()), framing.clone());
    let mut accepted = Vec::new();
    for p in payloads {
        let mut probe = bytes::BytesMut::new();
        if framing.clone().encode(&p, &mut probe).is_err() {
            continue; // not representable in this framing (a delimiter inside, ...)
        }
        // A transient error means the frame was not queued: retry it.
        let mut tries = 0;
        while let Err(e) = tx.write_frame(&p) {
            assert!(crate::support::io::is_retry(&e), "{e}");
            tries += 1;
            assert!(tries < 1000);
        }
        accepted.push(p);
    }
    for _ in 0..1000 {
        if tx.flush().is_ok() {
            break;
        }
    }
    assert_eq!(tx.pending(), 0);
    let wire = tx.into_inner().data;

    let mut whole = FrameReader::new(ScriptedReader::new(wire.clone(), []), framing.clone());
    let expected = read_all_frames(&mut whole).unwrap();
    let reader = ScriptedReader::new(wire, schedule.0).tail_chunk(5);
    let mut rx = FrameReader::with_capacity(64, reader, framing);
    let got = read_all_frames(&mut rx).unwrap();
    got == expected
        && got.len() == accepted.len()
        && got.iter().zip(&accepted).all(|(g, a)| g[..] == a[..])
}

#[test]
fn length_prefixed_counting_its_header() {
    fn prop(payloads: Vec<Vec<u8>>, schedule: Schedule) -> bool {
        round_trip(
            LengthPrefixed::u16().length_includes_header(true),
            payloads,
            schedule,
        )
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Vec<u8>>, Schedule) -> bool);
}

#[test]
fn delimited_by_crlf() {
    fn prop(payloads: Vec<Vec<u8>>, schedule: Schedule) -> bool {
        // Mostly CR and LF, so delimiters split across reads are common.
        let payloads = payloads
            .into_iter()
            .map(|p| {
                p.into_iter()
                    .map(|b| [b'\r', b'\n', b'a'][b as usize % 3])
                    .collect()
            })
            .collect();
        round_trip(Delimited::new(b"\r\n"), payloads, schedule)
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Vec<u8>>, Schedule) -> bool);
}

#[test]
fn ascii_decimal_length() {
    fn prop(payloads: Vec<Vec<u8>>, schedule: Schedule) -> bool {
        round_trip(AsciiLength::digits(5), payloads, schedule)
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Vec<u8>>, Schedule) -> bool);
}

#[test]
fn fixed_length() {
    fn prop(bytes: Vec<u8>, schedule: Schedule) -> bool {
        let payloads = bytes.chunks_exact(3).map(<[u8]>::to_vec).collect();
        round_trip(FixedLength::new(3), payloads, schedule)
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<u8>, Schedule) -> bool);
}
