//! `net` into memory the caller owns: `to_slice`, `to_buf_mut` and
//! `append_to_vec` write exactly the bytes of `to_vec`, and a buffer one
//! byte short fails with the size it needed instead of panicking.

use std::fmt::Debug;

use crate::support::net_types::{Everything, Kind, Marker, Owned};
use crate::support::output::{short_lengths, too_small};
use bytes::BufMut;
use netwire::ErrorKind;
use netwire::net::{self, Config, LengthWidth, TagWidth};
use quickcheck::{QuickCheck, TestResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};

const CONFIGS: [Config; 3] = [
    Config::new(),
    Config::bincode_legacy(),
    Config::new()
        .with_length_width(LengthWidth::U16)
        .with_tag_width(TagWidth::U16),
];

/// Checks every output against `to_vec` for `value`: the same bytes, a
/// round trip through `from_slice`, and the exact error for every short
/// buffer.
fn outputs_agree<T>(cfg: &Config, value: &T) -> Result<(), String>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let expected = cfg.to_vec(value).map_err(|e| format!("to_vec: {e}"))?;
    let len = expected.len();

    // A slice of exactly the size, and a larger one whose tail stays as it was.
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

    // Every output that is too short: the needed size, never a panic.
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

    // BufMut: a growing BytesMut after some bytes, a Vec, two slices chained.
    let mut bytes_mut = bytes::BytesMut::new();
    bytes_mut.put_u8(0xee);
    let n = cfg
        .to_buf_mut(value, &mut bytes_mut)
        .map_err(|e| format!("BytesMut: {e}"))?;
    if n != len || bytes_mut[0] != 0xee || bytes_mut[1..] != expected[..] {
        return Err(format!("BytesMut: {n}, {bytes_mut:?}"));
    }
    let mut vec = Vec::new();
    cfg.to_buf_mut(value, &mut vec)
        .map_err(|e| format!("Vec: {e}"))?;
    if vec != expected {
        return Err(format!("Vec BufMut: {vec:?}"));
    }
    let (mut a, mut b) = (vec![0; len / 2], vec![0; len - len / 2]);
    let mut chain = (&mut a[..]).chain_mut(&mut b[..]);
    cfg.to_buf_mut(value, &mut chain)
        .map_err(|e| format!("chain: {e}"))?;
    if [a, b].concat() != expected {
        return Err("chained slices differ".into());
    }

    // append_to_vec keeps what was there.
    let mut out = vec![1, 2, 3];
    let n = cfg
        .append_to_vec(value, &mut out)
        .map_err(|e| format!("append: {e}"))?;
    if n != len || out[..3] != [1, 2, 3] || out[3..] != expected[..] {
        return Err(format!("append_to_vec: {n}, {out:?}"));
    }
    Ok(())
}

fn check<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    for cfg in &CONFIGS {
        if let Err(e) = outputs_agree(cfg, value) {
            panic!("{cfg:?}, {value:?}: {e}");
        }
    }
}

#[test]
fn every_shape_in_every_config() {
    fn prop(value: Everything) -> TestResult {
        for cfg in &CONFIGS {
            if let Err(e) = outputs_agree(cfg, &value) {
                return TestResult::error(format!("{cfg:?}: {e}"));
            }
        }
        TestResult::passed()
    }
    QuickCheck::new()
        .tests(64)
        .quickcheck(prop as fn(Everything) -> TestResult);
}

#[test]
fn small_values() {
    check(&7u8);
    check(&(0x0102u16, "ok".to_string()));
    check(&Some(Kind::Struct {
        a: None,
        b: vec![true, false],
    }));
    check(&vec![Kind::Unit, Kind::Char('é'), Kind::Newtype(9)]);
    check(&Owned {
        text: "a b\nc".into(),
        bytes: vec![0, 255],
        words: vec!["x".into(), String::new()],
        maybe: Some("y".into()),
    });
}

#[test]
fn exact_bytes() {
    let mut buf = [0u8; 10];
    let used = net::to_slice(&(1u8, "hi", Some(2u16)), &mut buf).unwrap();
    assert_eq!(used, [1, 0, 0, 0, 2, b'h', b'i', 1, 0, 2]);
    let err = net::to_slice(&(1u8, "hi", Some(2u16)), &mut buf[..9]).unwrap_err();
    assert_eq!(err.kind(), &too_small(10, 9));
    assert_eq!(err.offset(), None);
}

#[test]
fn zero_sized_messages_fit_an_empty_slice() {
    let mut empty: [u8; 0] = [];
    assert_eq!(net::to_slice(&(), &mut empty).unwrap(), &[] as &[u8]);
    assert_eq!(net::to_slice(&Marker, &mut empty).unwrap(), &[] as &[u8]);
    assert_eq!(
        net::to_slice(&((), [0u8; 0]), &mut empty).unwrap(),
        &[] as &[u8]
    );
    let mut window = &mut empty[..];
    assert_eq!(net::to_buf_mut(&(), &mut window).unwrap(), 0);
    check(&());
    check(&Marker);
}

#[test]
fn empty_slice() {
    let mut empty: [u8; 0] = [];
    let err = net::to_slice(&5u32, &mut empty).unwrap_err();
    assert_eq!(err.kind(), &too_small(4, 0));
    let mut window = &mut empty[..];
    let err = net::to_buf_mut(&5u32, &mut window).unwrap_err();
    assert_eq!(err.kind(), &too_small(4, 0));
}

/// Sequences and maps that do not tell their length up front: `net`
/// writes a placeholder count and patches it.
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
fn unknown_lengths_are_patched() {
    let value = Unsized(vec![vec![1, 2], vec![], vec![3]]);
    let sized: Vec<std::collections::BTreeMap<u8, u16>> = value
        .0
        .iter()
        .map(|v| v.iter().enumerate().map(|(i, &x)| (i as u8, x)).collect())
        .collect();
    for cfg in &CONFIGS {
        let expected = cfg.to_vec(&sized).unwrap();
        assert_eq!(cfg.to_vec(&value).unwrap(), expected);
        let mut buf = vec![0; expected.len()];
        assert_eq!(cfg.to_slice(&value, &mut buf).unwrap(), &expected[..]);
        let mut bytes_mut = bytes::BytesMut::from(&b"x"[..]);
        cfg.to_buf_mut(&value, &mut bytes_mut).unwrap();
        assert_eq!(bytes_mut[1..], expected[..]);
        for short in short_lengths(expected.len()) {
            let mut buf = vec![0; short];
            let err = cfg.to_slice(&value, &mut buf).unwrap_err();
            assert_eq!(err.kind(), &too_small(expected.len(), short));
            let mut window = &mut buf[..];
            let err = cfg.to_buf_mut(&value, &mut window).unwrap_err();
            assert_eq!(err.kind(), &too_small(expected.len(), short));
        }
    }
}

#[test]
fn the_limit_wins_over_the_room() {
    let cfg = Config::new().with_limit(5);
    let mut buf = [0u8; 64];
    let over = ErrorKind::LengthOverLimit { len: 9, limit: 5 };
    // Fits the slice, not the limit.
    let err = cfg.to_slice(&"hello", &mut buf).unwrap_err();
    assert_eq!(err.kind(), &over);
    // Fits neither: still the limit, since a larger slice would not help.
    let err = cfg.to_slice(&"hello", &mut buf[..3]).unwrap_err();
    assert_eq!(err.kind(), &over);
    let err = cfg.to_buf_mut(&"hello", &mut Vec::new()).unwrap_err();
    assert_eq!(err.kind(), &over);
    // At the limit exactly.
    assert_eq!(cfg.to_slice(&"h", &mut buf).unwrap().len(), 5);
}

/// A value whose `Serialize` fails after writing a little.
struct Fails;

impl Serialize for Fails {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(2))?;
        seq.serialize_element(&1u64)?;
        Err(S::Error::custom("no"))
    }
}

#[test]
fn errors_of_the_value_come_first() {
    for room in [0, 6, 64] {
        let mut buf = vec![0u8; room];
        let err = net::to_slice(&Fails, &mut buf).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Custom(_)), "{err:?}");
        let mut window = &mut buf[..];
        let err = net::to_buf_mut(&Fails, &mut window).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Custom(_)), "{err:?}");
    }
    let mut out = vec![9];
    assert!(net::append_to_vec(&Fails, &mut out).is_err());
    assert_eq!(out, [9]);
}

#[test]
fn an_ip_address_is_a_tag_and_its_octets() {
    let mut buf = [0u8; 16];
    let addr: std::net::IpAddr = "10.0.0.1".parse().unwrap();
    assert_eq!(net::to_slice(&addr, &mut buf).unwrap(), [0, 10, 0, 0, 1]);
}

/// Sequences without a count (`with::rest`, `with::nul_terminated`).
#[derive(Serialize, serde::Deserialize, Debug, PartialEq)]
struct Open {
    head: u8,
    #[serde(with = "netwire::with::nul_terminated")]
    words: Vec<u16>,
    #[serde(with = "netwire::with::rest")]
    tail: Vec<u16>,
}

#[test]
fn a_slice_too_short_for_an_open_sequence_says_how_much_it_needs() {
    // A full output stops moving; the check that each element of an open
    // sequence moves the output must not mistake that for an empty element.
    let value = Open {
        head: 7,
        words: vec![0x0102, 0x0304],
        tail: vec![1, 2, 3],
    };
    check(&value);
    let len = net::to_vec(&value).unwrap().len();
    for short in 0..len {
        let mut buf = vec![0; short];
        let err = net::to_slice(&value, &mut buf).unwrap_err();
        assert_eq!(err.kind(), &too_small(len, short), "{short} bytes");
    }
}

#[test]
fn a_message_with_places_to_patch_is_written_whole_by_index() {
    // An unknown count comes after fields written on the fast path: the
    // slice holds the same bytes as `to_vec`, and nothing past them moves.
    let value = (0xabcdu16, "before", Unsized(vec![vec![5], vec![6, 7]]), 9u8);
    let expected = net::to_vec(&value).unwrap();
    let mut buf = vec![0xee; expected.len() + 3];
    let used = net::to_slice(&value, &mut buf).unwrap().len();
    assert_eq!(buf[..used], expected[..]);
    assert_eq!(buf[used..], [0xee; 3]);
}
