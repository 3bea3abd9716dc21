//! Property tests: every value survives a round trip through every entry
//! point and every configuration of the `net` format.

use std::fmt::Debug;

use crate::support::io::ScriptedReader;
use crate::support::net_types::{self, Everything, Kind, Owned, Prims};
use netwire::net::{Config, LengthWidth, TagWidth};
use quickcheck::{Gen, QuickCheck, TestResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The configurations every property runs under.
const CONFIGS: [Config; 4] = [
    Config::new(),
    Config::bincode_legacy(),
    Config::new()
        .with_length_width(LengthWidth::U16)
        .with_tag_width(TagWidth::U16),
    Config::new().with_length_width(LengthWidth::U64),
];

const JUNK: [u8; 3] = [0xde, 0xad, 0x01];

/// Encodes `value` and checks that each decoding entry point gives it back,
/// that `encoded_len` agrees, and that prefix decoders stop at its end.
fn round_trips<T>(cfg: &Config, value: &T) -> Result<(), String>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let bytes = cfg.to_vec(value).map_err(|e| format!("encode: {e}"))?;
    let len = cfg.encoded_len(value).map_err(|e| format!("len: {e}"))?;
    if len != bytes.len() {
        return Err(format!("encoded_len {len} != {}", bytes.len()));
    }
    let mut written = Vec::new();
    cfg.to_writer(&mut written, value)
        .map_err(|e| format!("to_writer: {e}"))?;
    if written != bytes {
        return Err("to_writer differs from to_vec".into());
    }
    let back: T = cfg
        .from_slice(&bytes)
        .map_err(|e| format!("from_slice: {e}"))?;
    if &back != value {
        return Err(format!("from_slice gave {back:?}"));
    }

    let mut stream = bytes.clone();
    stream.extend_from_slice(&JUNK);
    let (back, rest) = cfg
        .take_from_slice::<T>(&stream)
        .map_err(|e| format!("take_from_slice: {e}"))?;
    if &back != value || rest != JUNK {
        return Err(format!("take_from_slice gave {back:?}, rest {rest:?}"));
    }

    let mut reader = &stream[..];
    let back: T = cfg
        .from_reader(&mut reader)
        .map_err(|e| format!("from_reader: {e}"))?;
    if &back != value || reader != JUNK {
        return Err(format!("from_reader gave {back:?}, left {reader:?}"));
    }

    let mut slow = ScriptedReader::one_byte(&stream);
    let back: T = cfg
        .from_reader(&mut slow)
        .map_err(|e| format!("from_reader, one byte per read: {e}"))?;
    if &back != value || slow.rest() != JUNK {
        return Err(format!(
            "one-byte reader gave {back:?}, left {:?}",
            slow.rest()
        ));
    }
    Ok(())
}

fn all_configs<T>(value: &T) -> TestResult
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    for cfg in &CONFIGS {
        if let Err(msg) = round_trips(cfg, value) {
            return TestResult::error(format!("{cfg:?}: {msg}"));
        }
    }
    TestResult::passed()
}

#[test]
fn primitives_round_trip() {
    fn prop(p: Prims) -> TestResult {
        all_configs(&p)
    }
    QuickCheck::new().quickcheck(prop as fn(Prims) -> TestResult);
}

#[test]
fn strings_round_trip() {
    fn prop(s: String, c: char, v: Vec<String>) -> TestResult {
        all_configs(&(s, c, v))
    }
    QuickCheck::new().quickcheck(prop as fn(String, char, Vec<String>) -> TestResult);
}

#[test]
fn enums_round_trip() {
    fn prop(kinds: Vec<Kind>, one: Kind) -> TestResult {
        all_configs(&(kinds, one))
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Kind>, Kind) -> TestResult);
}

#[test]
fn nested_options_and_collections_round_trip() {
    type Nest = (
        Option<Option<Option<i16>>>,
        Vec<Vec<u8>>,
        std::collections::BTreeMap<String, Option<Vec<i64>>>,
        std::collections::HashMap<u32, (bool, char)>,
        (u8, (u16, (u32, u64))),
    );
    fn prop(n: Nest) -> TestResult {
        all_configs(&n)
    }
    QuickCheck::new()
        .rng(Gen::new(50))
        .quickcheck(prop as fn(Nest) -> TestResult);
}

#[test]
fn everything_round_trips() {
    fn prop(e: Everything) -> TestResult {
        all_configs(&e)
    }
    // Each case is a few kilobytes decoded six ways under four configs.
    QuickCheck::new()
        .tests(50)
        .rng(Gen::new(40))
        .quickcheck(prop as fn(Everything) -> TestResult);
}

#[test]
fn borrowed_values_decode_from_owned_encodings() {
    fn prop(o: Owned) -> TestResult {
        for cfg in &CONFIGS {
            let bytes = cfg.to_vec(&o).unwrap();
            let view = o.view();
            if cfg.to_vec(&view).unwrap() != bytes {
                return TestResult::error("borrowed and owned encode differently");
            }
            match cfg.from_slice::<net_types::Borrowed>(&bytes) {
                Ok(back) if back == view => {}
                other => return TestResult::error(format!("{cfg:?}: {other:?}")),
            }
            let mut stream = bytes.clone();
            stream.push(7);
            match cfg.take_from_slice::<net_types::Borrowed>(&stream) {
                Ok((back, [7])) if back == view => {}
                other => return TestResult::error(format!("{cfg:?}: {other:?}")),
            }
            if let Err(msg) = round_trips(cfg, &o) {
                return TestResult::error(msg);
            }
        }
        TestResult::passed()
    }
    QuickCheck::new().quickcheck(prop as fn(Owned) -> TestResult);
}

#[test]
fn floats_keep_their_bits() {
    for bits in [
        0x7fc0_0000u32,
        0x7f80_0001,
        0xffc0_1234,
        0x8000_0000,
        0x0000_0001,
    ] {
        let f = f32::from_bits(bits);
        let bytes = netwire::net::to_vec(&f).unwrap();
        assert_eq!(bytes, bits.to_be_bytes());
        let back: f32 = netwire::net::from_slice(&bytes).unwrap();
        assert_eq!(back.to_bits(), bits);
    }
    let nan = f64::from_bits(0x7ff8_dead_beef_0001);
    let back: f64 = netwire::net::from_slice(&netwire::net::to_vec(&nan).unwrap()).unwrap();
    assert_eq!(back.to_bits(), nan.to_bits());
}

#[test]
fn any_chunking_of_a_stream_gives_the_same_messages() {
    fn prop(msgs: Vec<Kind>, tail: Owned, sizes: Vec<u8>) -> TestResult {
        for cfg in &CONFIGS {
            let mut stream = Vec::new();
            for m in &msgs {
                cfg.to_writer(&mut stream, m).unwrap();
            }
            cfg.to_writer(&mut stream, &tail).unwrap();
            let sizes: Vec<usize> = sizes.iter().map(|&s| usize::from(s) % 16).collect();
            let mut reader = ScriptedReader::chunked(&stream, &sizes);
            for m in &msgs {
                match cfg.from_reader::<_, Kind>(&mut reader) {
                    Ok(got) if &got == m => {}
                    other => return TestResult::error(format!("{cfg:?}: {other:?}, want {m:?}")),
                }
            }
            match cfg.from_reader::<_, Owned>(&mut reader) {
                Ok(got) if got == tail => {}
                other => return TestResult::error(format!("{cfg:?}: tail {other:?}")),
            }
            if reader.remaining() != 0 {
                return TestResult::error("bytes left over");
            }
        }
        TestResult::passed()
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Kind>, Owned, Vec<u8>) -> TestResult);
}
