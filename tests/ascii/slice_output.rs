//! `ascii` into memory the caller owns: `to_slice`, `to_buf_mut` and
//! `append_to_vec` write exactly the bytes of `to_vec`, and a buffer one
//! byte short fails with the size it needed instead of panicking.

use std::collections::BTreeMap;
use std::fmt::Debug;

use crate::support::output::{short_lengths, too_small};
use bytes::BufMut;
use netwire::ErrorKind;
use netwire::ascii::{self, Config};
use quickcheck::{QuickCheck, TestResult};
use serde::de::DeserializeOwned;
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

/// Checks every output against `to_vec` for `value`: the same bytes, a
/// round trip through `from_slice`, and the exact error for every short
/// buffer.
fn outputs_agree<T>(value: &T) -> Result<(), String>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let cfg = Config::new();
    let expected = cfg.to_vec(value).map_err(|e| format!("to_vec: {e}"))?;
    let len = expected.len();

    let mut exact = vec![0xaa; len];
    let used = cfg
        .to_slice(value, &mut exact)
        .map_err(|e| format!("exact: {e}"))?;
    if used != expected.as_slice() {
        return Err(format!("exact slice wrote {used:?}, to_vec {expected:?}"));
    }
    let back: T = cfg.from_slice(used).map_err(|e| format!("decode: {e}"))?;
    if &back != value {
        return Err(format!("round trip gave {back:?}"));
    }
    let mut larger = vec![0xaa; len + 5];
    let used = cfg
        .to_slice(value, &mut larger)
        .map_err(|e| format!("larger: {e}"))?
        .len();
    if used != len || larger[..len] != expected[..] || larger[len..] != [0xaa; 5] {
        return Err(format!("larger slice: {larger:?}"));
    }

    for short in short_lengths(len) {
        let mut buf = vec![0xaa; short];
        match cfg.to_slice(value, &mut buf) {
            Err(e) if e.kind() == &too_small(len, short) => {}
            other => return Err(format!("{short}-byte slice: {other:?}")),
        }
        let mut window = &mut buf[..];
        match cfg.to_buf_mut(value, &mut window) {
            Err(e) if e.kind() == &too_small(len, short) => {}
            other => return Err(format!("{short}-byte BufMut slice: {other:?}")),
        }
    }

    let mut bytes_mut = bytes::BytesMut::new();
    bytes_mut.put_u8(b'>');
    let n = cfg
        .to_buf_mut(value, &mut bytes_mut)
        .map_err(|e| format!("BytesMut: {e}"))?;
    if n != len || bytes_mut[0] != b'>' || bytes_mut[1..] != expected[..] {
        return Err(format!("BytesMut: {n}, {bytes_mut:?}"));
    }
    let (mut a, mut b) = (vec![0; len / 2], vec![0; len - len / 2]);
    let mut chain = (&mut a[..]).chain_mut(&mut b[..]);
    cfg.to_buf_mut(value, &mut chain)
        .map_err(|e| format!("chain: {e}"))?;
    if [a, b].concat() != expected {
        return Err("chained slices differ".into());
    }

    let mut out = b"0\n".to_vec();
    let n = cfg
        .append_to_vec(value, &mut out)
        .map_err(|e| format!("append: {e}"))?;
    if n != len || out[..2] != *b"0\n" || out[2..] != expected[..] {
        return Err(format!("append_to_vec: {n}, {out:?}"));
    }
    Ok(())
}

fn check<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    if let Err(e) = outputs_agree(value) {
        panic!("{value:?}: {e}");
    }
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Shape {
    Dot,
    Circle(u32),
    Rect {
        w: i16,
        h: i16,
        label: Option<String>,
    },
}

#[test]
fn strings_and_numbers() {
    fn prop(
        n: u64,
        i: i32,
        text: String,
        words: Vec<String>,
        map: BTreeMap<u8, Option<i64>>,
    ) -> TestResult {
        match outputs_agree(&(n, i, text, words, map)) {
            Ok(()) => TestResult::passed(),
            Err(e) => TestResult::error(e),
        }
    }
    QuickCheck::new().tests(64).quickcheck(
        prop as fn(u64, i32, String, Vec<String>, BTreeMap<u8, Option<i64>>) -> TestResult,
    );
}

#[test]
fn small_values() {
    check(&7u8);
    check(&(0.5f64, -1.25f32, true, 'é'));
    check(&vec![
        Shape::Dot,
        Shape::Circle(3),
        Shape::Rect {
            w: -1,
            h: 2,
            label: Some("a b\nc".into()),
        },
    ]);
    check(&Some(Some(())));
}

#[test]
fn exact_bytes() {
    let mut buf = [0u8; 12];
    let used = ascii::to_slice(&(1u8, "hi", Some(-2i16)), &mut buf).unwrap();
    assert_eq!(used, b"1 2:hi +-2\n");
    let err = ascii::to_slice(&(1u8, "hi", Some(-2i16)), &mut buf[..10]).unwrap_err();
    assert_eq!(err.kind(), &too_small(11, 10));
    assert_eq!(err.offset(), None);
}

#[test]
fn zero_sized_message() {
    // A message without tokens is its line end: one byte.
    let mut one = [0u8; 1];
    assert_eq!(ascii::to_slice(&(), &mut one).unwrap(), b"\n");
    check(&());
    check(&((), [0u8; 0]));
}

#[test]
fn empty_slice() {
    let mut empty: [u8; 0] = [];
    let err = ascii::to_slice(&(), &mut empty).unwrap_err();
    assert_eq!(err.kind(), &too_small(1, 0));
    let err = ascii::to_slice(&500u16, &mut empty).unwrap_err();
    assert_eq!(err.kind(), &too_small(4, 0));
    let mut window = &mut empty[..];
    let err = ascii::to_buf_mut(&500u16, &mut window).unwrap_err();
    assert_eq!(err.kind(), &too_small(4, 0));
}

/// Sequences and maps that do not tell their length up front: `ascii`
/// inserts the count in front of the elements at the end.
struct Unsized(Vec<Vec<u16>>);

impl Serialize for Unsized {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut outer = s.serialize_seq(None)?;
        for inner in &self.0 {
            outer.serialize_element(&UnsizedMap(inner))?;
        }
        outer.end()
    }
}

struct UnsizedMap<'a>(&'a [u16]);

impl Serialize for UnsizedMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (i, v) in self.0.iter().enumerate() {
            map.serialize_entry(&(i as u8), v)?;
        }
        map.end()
    }
}

#[test]
fn unknown_lengths_are_inserted() {
    let value = (7u8, Unsized(vec![vec![1, 2], vec![], (0..12).collect()]));
    let sized: Vec<BTreeMap<u8, u16>> = value
        .1
        .0
        .iter()
        .map(|v| v.iter().enumerate().map(|(i, &x)| (i as u8, x)).collect())
        .collect();
    let expected = ascii::to_vec(&(7u8, &sized)).unwrap();
    assert_eq!(ascii::to_vec(&value).unwrap(), expected);
    let mut buf = vec![0; expected.len()];
    assert_eq!(ascii::to_slice(&value, &mut buf).unwrap(), &expected[..]);
    let mut bytes_mut = bytes::BytesMut::from(&b"x"[..]);
    ascii::to_buf_mut(&value, &mut bytes_mut).unwrap();
    assert_eq!(bytes_mut[1..], expected[..]);
    for short in short_lengths(expected.len()) {
        let mut buf = vec![0; short];
        let err = ascii::to_slice(&value, &mut buf).unwrap_err();
        assert_eq!(err.kind(), &too_small(expected.len(), short));
        let mut window = &mut buf[..];
        let err = ascii::to_buf_mut(&value, &mut window).unwrap_err();
        assert_eq!(err.kind(), &too_small(expected.len(), short));
    }
}

#[test]
fn the_limit_wins_over_the_room() {
    let cfg = Config::new().with_limit(5);
    let mut buf = [0u8; 64];
    let over = ErrorKind::LengthOverLimit { len: 8, limit: 5 };
    let err = cfg.to_slice(&"hello", &mut buf).unwrap_err();
    assert_eq!(err.kind(), &over);
    let err = cfg.to_slice(&"hello", &mut buf[..3]).unwrap_err();
    assert_eq!(err.kind(), &over);
    let err = cfg.to_buf_mut(&"hello", &mut Vec::new()).unwrap_err();
    assert_eq!(err.kind(), &over);
    assert_eq!(cfg.to_slice(&"he", &mut buf).unwrap(), b"2:he\n");
}

/// A value whose `Serialize` fails after writing a little.
struct Fails;

impl Serialize for Fails {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(2))?;
        seq.serialize_element(&12345u64)?;
        Err(S::Error::custom("no"))
    }
}

#[test]
fn errors_of_the_value_come_first() {
    for room in [0, 4, 64] {
        let mut buf = vec![0u8; room];
        let err = ascii::to_slice(&Fails, &mut buf).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Custom(_)), "{err:?}");
        let mut window = &mut buf[..];
        let err = ascii::to_buf_mut(&Fails, &mut window).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Custom(_)), "{err:?}");
    }
    let mut out = b"1\n".to_vec();
    assert!(ascii::append_to_vec(&Fails, &mut out).is_err());
    assert_eq!(out, b"1\n");
}
