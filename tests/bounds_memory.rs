//! Memory bound: hostile length prefixes (`u32::MAX`, `u64::MAX`, and the
//! remaining input plus one) never make a decoder or a framing allocate
//! beyond its configured limit plus a small constant.
//!
//! A counting global allocator (the `cap` crate, `stats` feature) records
//! the heap's high-water mark. That mark cannot be reset, so each case runs
//! in a child process of this test binary (the ignored test `one_case`,
//! picked by the `NETWIRE_MEMORY_CASE` variable) and reports
//! `max_allocated()` minus what was allocated before the case: an upper
//! bound on the case's own peak. Limits are small (64 KiB) to make the
//! bound sharp.

use std::alloc::System;

use bytes::BytesMut;
use cap::Cap;
use netwire::frame::{
    AsciiLength, ByType, Delimited, FrameDecoder, HeaderDescribed, LengthPrefixed, UntilClose,
};
use netwire::net::{Config, LengthWidth};
use serde::Deserialize;
use zerocopy::network_endian::U64;
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

#[global_allocator]
static HEAP: Cap<System> = Cap::new(System, usize::MAX);

/// The configured limit of every decoder and framing below.
const LIMIT: usize = 64 * 1024;

/// What a case may hold beyond the limit: one 4 KiB read in the framing
/// buffer, the error, the test harness's own allocations (about 12 KiB
/// when the case starts, counted in the upper bound).
const SLACK: usize = 20 * 1024;

/// Runs `f` and returns an upper bound on the heap it held at its peak,
/// beyond what was allocated before it.
fn peak<R>(f: impl FnOnce() -> R) -> usize {
    let before = HEAP.allocated();
    let result = f();
    let high = HEAP.max_allocated();
    drop(result);
    high.saturating_sub(before)
}

/// The cases, by name; each decodes hostile input and must fail.
struct Cases(Vec<(String, Box<dyn Fn() -> netwire::Error>)>);

impl Cases {
    fn check(&mut self, name: &str, f: impl Fn() -> Option<netwire::Error> + 'static) {
        self.0.push((
            name.to_string(),
            Box::new(move || f().expect("hostile input is refused")),
        ));
    }
}

fn net() -> Config {
    Config::new().with_limit(LIMIT)
}

/// A `u32` length or count, then `tail`.
fn prefixed(len: u32, tail: &[u8]) -> Vec<u8> {
    [&len.to_be_bytes()[..], tail].concat()
}

/// Recursion through sequences: hostile counts at every level.
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Nest(Vec<Nest>);

fn net_cases(c: &mut Cases) {
    const TAIL: [u8; 10] = [0x61; 10];
    for (what, len) in [
        ("u32::MAX", u32::MAX),
        ("remaining+1", TAIL.len() as u32 + 1),
        ("limit", LIMIT as u32),
    ] {
        let input = move || prefixed(len, &TAIL);
        c.check(
            &format!("net from_slice String, prefix {what}"),
            move || net().from_slice::<String>(&input()).err(),
        );
        c.check(
            &format!("net from_reader String, prefix {what}"),
            move || net().from_reader::<_, String>(&input()[..]).err(),
        );
        c.check(
            &format!("net from_reader byte buf, prefix {what}"),
            move || {
                net()
                    .from_reader::<_, serde_bytes::ByteBuf>(&input()[..])
                    .err()
            },
        );
        c.check(
            &format!("net from_slice Vec<u64>, count {what}"),
            move || net().from_slice::<Vec<u64>>(&input()).err(),
        );
        // A count within the limit on a reader is its own group: see
        // `net_reader_counts_within_the_limit`.
        let group = if what == "limit" { "net-count" } else { "net" };
        c.check(
            &format!("{group} from_reader Vec<u64>, count {what}"),
            move || net().from_reader::<_, Vec<u64>>(&input()[..]).err(),
        );
        c.check(
            &format!("{group} from_reader Vec<String>, count {what}"),
            move || net().from_reader::<_, Vec<String>>(&input()[..]).err(),
        );
    }
    let wide = || Config::bincode_legacy().with_limit(LIMIT);
    let input = || [&u64::MAX.to_be_bytes()[..], &TAIL].concat();
    c.check(
        "net u64 lengths from_slice String, prefix u64::MAX",
        move || wide().from_slice::<String>(&input()).err(),
    );
    c.check(
        "net u64 lengths from_reader Vec<u8>, count u64::MAX",
        move || wide().from_reader::<_, Vec<u8>>(&input()[..]).err(),
    );
    c.check(
        "net u16 lengths from_reader String, prefix u16::MAX",
        || {
            let input = [&u16::MAX.to_be_bytes()[..], &TAIL].concat();
            net()
                .with_length_width(LengthWidth::U16)
                .from_reader::<_, String>(&input[..])
                .err()
        },
    );
}

fn ascii() -> netwire::ascii::Config {
    netwire::ascii::Config::new().with_limit(LIMIT)
}

fn ascii_cases(c: &mut Cases) {
    const TAIL: &[u8] = b"aaaaaaaaaa";
    for (what, prefix) in [
        ("u32::MAX", "4294967295"),
        ("u64::MAX", "18446744073709551615"),
        ("past u64", "99999999999999999999"),
        ("remaining+1", "11"),
        ("limit", "65536"),
    ] {
        let string = move || [prefix.as_bytes(), b":", TAIL].concat();
        let count = move || [prefix.as_bytes(), b" 1 2 3\n"].concat();
        c.check(
            &format!("ascii from_slice String, length {what}"),
            move || ascii().from_slice::<String>(&string()).err(),
        );
        c.check(
            &format!("ascii from_reader String, length {what}"),
            move || ascii().from_reader::<_, String>(&string()[..]).err(),
        );
        c.check(
            &format!("ascii from_reader byte buf, length {what}"),
            move || {
                ascii()
                    .from_reader::<_, serde_bytes::ByteBuf>(&string()[..])
                    .err()
            },
        );
        c.check(
            &format!("ascii from_slice Vec<u64>, count {what}"),
            move || ascii().from_slice::<Vec<u64>>(&count()).err(),
        );
        c.check(
            &format!("ascii from_reader Vec<String>, count {what}"),
            move || ascii().from_reader::<_, Vec<String>>(&count()[..]).err(),
        );
    }
}

/// Every stream reader over a hostile stream, with the encoding and the
/// framing limited to `LIMIT`.
fn stream_cases(c: &mut Cases) {
    use netwire::message::SelfDelimited;
    use netwire::stream::{FrameReader, MessageReader};
    const BODY: [u8; 10] = [0x5a; 10];
    for (what, len) in [
        ("u32::MAX", u32::MAX),
        ("remaining+1", BODY.len() as u32 + 1),
        ("limit", LIMIT as u32),
    ] {
        let input = move || prefixed(len, &BODY);
        c.check(
            &format!("stream FrameReader u32 frames, length {what}"),
            move || {
                FrameReader::new(&input()[..], LengthPrefixed::u32().with_limit(LIMIT))
                    .read_frame()
                    .err()
            },
        );
        c.check(
            &format!("stream MessageReader net u32 frames, length {what}"),
            move || {
                let framing = LengthPrefixed::u32().with_limit(LIMIT);
                MessageReader::with_encoding(&input()[..], framing, net())
                    .read::<String>()
                    .err()
            },
        );
        c.check(
            &format!("stream MessageReader net self-delimited, string {what}"),
            move || {
                MessageReader::with_encoding(&input()[..], SelfDelimited::retrying(), net())
                    .read::<String>()
                    .err()
            },
        );
        c.check(
            &format!("stream MessageReader net self-delimited, Vec<u64> {what}"),
            move || {
                MessageReader::with_encoding(&input()[..], SelfDelimited::retrying(), net())
                    .read::<Vec<u64>>()
                    .err()
            },
        );
        c.check(
            &format!("stream MessageReader ascii self-delimited, string {what}"),
            move || {
                let text = [len.to_string().as_bytes(), b":", &BODY].concat();
                MessageReader::with_encoding(&text[..], SelfDelimited::new(), ascii())
                    .read::<String>()
                    .err()
            },
        );
    }
    c.check(
        "stream-growth MessageReader ascii self-delimited, no end",
        || {
            // 65535 elements of two bytes each: the message would need twice
            // the limit, so the buffer stops growing at the limit.
            use std::io::Read;
            let input = b"65535".chain(Ones { at: 0 }.take(4 * LIMIT as u64));
            MessageReader::with_encoding(input, SelfDelimited::new(), ascii())
                .read::<Vec<u8>>()
                .err()
        },
    );
}

/// An endless " 1 1 1 ..." made as it is read, so the input itself takes
/// no heap. Fills every buffer it is given (a read of 0 would be the end
/// of the stream).
struct Ones {
    /// Bytes handed out so far.
    at: usize,
}

impl std::io::Read for Ones {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        for b in buf.iter_mut() {
            *b = if self.at % 2 == 0 { b' ' } else { b'1' };
            self.at += 1;
        }
        Ok(buf.len())
    }
}

/// Recursion through sequences of large elements (264 bytes each).
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Big(Vec<Big>, [u64; 30]);

/// Nested sequences, each announcing as many elements as the limit allows.
fn nested_cases(c: &mut Cases) {
    let levels = || prefixed(LIMIT as u32 - 1, &[]).repeat(100);
    c.check("nested net from_reader, 100 hostile counts", move || {
        net().from_reader::<_, Nest>(&levels()[..]).err()
    });
    c.check(
        "nested net from_slice, 100 hostile counts + padding",
        move || {
            let mut padded = levels();
            padded.resize(LIMIT, 0xff);
            net().from_slice::<Nest>(&padded).err()
        },
    );
    // 16 levels of 4096 elements share the 64 Ki count budget exactly;
    // each level's hint (4096, capped by the bytes left) asks serde for up
    // to 1 MiB of 264-byte elements.
    c.check(
        "nested net from_slice, 16 counts sharing the budget",
        || {
            let mut input = prefixed(LIMIT as u32 / 16, &[]).repeat(16);
            input.resize(LIMIT, 0xff);
            net().from_slice::<Big>(&input).err()
        },
    );
}

/// The most one read hands a framing.
const READ: usize = 4096;

/// Feeds `input` to `dec` in 4 KiB reads, as a socket would, decoding
/// after each; returns how it ended. The buffer is allocated once with
/// room for a whole frame and one read, as a stream reader's would be, so
/// any reservation the framing makes beyond its limit shows in the peak.
fn feed<D: FrameDecoder>(dec: D, input: &[u8]) -> Option<netwire::Error> {
    feed_reads(dec, input.chunks(READ))
}

/// [`feed`] for input given as reads.
fn feed_reads<'a, D: FrameDecoder>(
    mut dec: D,
    reads: impl Iterator<Item = &'a [u8]>,
) -> Option<netwire::Error> {
    let mut src = BytesMut::with_capacity(LIMIT + READ + 64);
    for chunk in reads {
        src.extend_from_slice(chunk);
        loop {
            match dec.decode(&mut src) {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => return Some(e),
            }
        }
    }
    dec.decode_eof(&mut src).err()
}

/// Four times the limit of one repeated byte, as reads of a static buffer.
fn endless() -> impl Iterator<Item = &'static [u8]> {
    static READ_OF_X: [u8; READ] = [b'x'; READ];
    std::iter::repeat_n(&READ_OF_X[..], 4 * LIMIT / READ)
}

#[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct Header {
    len: U64,
}

fn framing_cases(c: &mut Cases) {
    const BODY: [u8; 10] = [0x5a; 10];
    c.check("frame LengthPrefixed u32, length u32::MAX", || {
        let input = prefixed(u32::MAX, &BODY);
        feed(LengthPrefixed::u32().with_limit(LIMIT), &input)
    });
    c.check("frame LengthPrefixed u64, length u64::MAX", || {
        let input = [&u64::MAX.to_be_bytes()[..], &BODY].concat();
        feed(LengthPrefixed::u64().with_limit(LIMIT), &input)
    });
    c.check("frame LengthPrefixed u32, length remaining+1", || {
        let input = prefixed(BODY.len() as u32 + 1, &BODY);
        feed(LengthPrefixed::u32().with_limit(LIMIT), &input)
    });
    c.check(
        "frame LengthPrefixed u32, length = limit, input short",
        || {
            let input = prefixed(LIMIT as u32, &BODY);
            feed(LengthPrefixed::u32().with_limit(LIMIT), &input)
        },
    );
    c.check("frame AsciiLength 19 digits, all nines", || {
        let input = [&[b'9'; 19][..], &BODY].concat();
        feed(AsciiLength::digits(19).with_limit(LIMIT), &input)
    });
    c.check("frame ByType u64 length, u64::MAX", || {
        let input = [&[7u8][..], &u64::MAX.to_be_bytes(), &BODY].concat();
        feed(ByType::new().prefixed(7, 8).with_limit(LIMIT), &input)
    });
    c.check("frame HeaderDescribed u64 body length, u64::MAX", || {
        let input = [&u64::MAX.to_be_bytes()[..], &BODY].concat();
        let codec = HeaderDescribed::new(|h: &Header| h.len.get()).with_limit(LIMIT);
        feed(codec, &input)
    });
    c.check("frame Delimited, no delimiter in 4x the limit", || {
        feed_reads(Delimited::lines().with_limit(LIMIT), endless())
    });
    c.check("frame UntilClose, 4x the limit", || {
        feed_reads(UntilClose::new().with_limit(LIMIT), endless())
    });
}

fn all_cases() -> Vec<(String, Box<dyn Fn() -> netwire::Error>)> {
    let mut cases = Cases(Vec::new());
    net_cases(&mut cases);
    ascii_cases(&mut cases);
    framing_cases(&mut cases);
    stream_cases(&mut cases);
    nested_cases(&mut cases);
    cases.0
}

const CASE_VAR: &str = "NETWIRE_MEMORY_CASE";

/// Runs the case named by `NETWIRE_MEMORY_CASE` and prints its peak; the
/// other tests run it in a child process each.
#[test]
#[ignore = "run by the other tests of this file, one case per process"]
fn one_case() {
    let name = std::env::var(CASE_VAR).expect("NETWIRE_MEMORY_CASE names a case");
    let cases = all_cases();
    let (_, case) = cases
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a known case");
    let bytes = peak(case);
    println!("peak={bytes}");
}

/// Runs every case whose name starts with `prefix` in its own process and
/// checks its peak against `LIMIT + SLACK`.
fn check_cases(prefix: &str) {
    let exe = std::env::current_exe().expect("the test binary");
    let mut failures = Vec::new();
    let names: Vec<String> = all_cases()
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.starts_with(prefix))
        .collect();
    assert!(!names.is_empty(), "no case starts with {prefix:?}");
    for name in names {
        let out = std::process::Command::new(&exe)
            .args([
                "one_case",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CASE_VAR, &name)
            .output()
            .expect("run a case");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let bytes: usize = stdout
            .lines()
            .find_map(|l| l.split_once("peak=").map(|(_, n)| n))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "case {name} gave no peak:\n{stdout}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        println!("{name:<56} peak <= {bytes:>9} B");
        if bytes > LIMIT + SLACK {
            failures.push(format!("{name}: up to {bytes} bytes"));
        }
    }
    assert!(
        failures.is_empty(),
        "over the bound of {LIMIT} + {SLACK} bytes:\n{}",
        failures.join("\n")
    );
}

#[test]
fn net_hostile_prefixes() {
    check_cases("net ");
}

#[test]
fn net_reader_counts_within_the_limit() {
    check_cases("net-count ");
}

#[test]
fn ascii_hostile_prefixes() {
    check_cases("ascii ");
}

#[test]
fn stream_readers() {
    check_cases("stream ");
}

#[test]
fn stream_buffer_growth() {
    check_cases("stream-growth ");
}

#[test]
fn framings() {
    check_cases("frame ");
}

#[test]
fn nested_sequences() {
    check_cases("nested ");
}
