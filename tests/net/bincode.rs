//! Differential test: `Config::bincode_legacy()` writes exactly the bytes of
//! bincode 2.0.1 with `config::legacy().with_big_endian()`, and each side
//! decodes the other's bytes to the same value.

use std::collections::BTreeMap;
use std::fmt::Debug;

use crate::support::net_types::{self, Borrowed, Everything, Kind, Owned, Prims};
use netwire::net::Config;
use quickcheck::{QuickCheck, TestResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

const NET: Config = Config::bincode_legacy();

fn bincode_config() -> impl bincode::config::Config {
    bincode::config::legacy().with_big_endian()
}

/// Both encoders agree on `value`, and both decoders give it back from
/// those bytes.
fn same_as_bincode<T>(value: &T) -> TestResult
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let ours = NET.to_vec(value).unwrap();
    let theirs = bincode::serde::encode_to_vec(value, bincode_config()).unwrap();
    if ours != theirs {
        return TestResult::error(format!("{value:?}\n ours   {ours:?}\n theirs {theirs:?}"));
    }
    let (back, used): (T, usize) = match bincode::serde::decode_from_slice(&ours, bincode_config())
    {
        Ok(v) => v,
        Err(e) => return TestResult::error(format!("bincode cannot decode ours: {e}")),
    };
    if &back != value || used != ours.len() {
        return TestResult::error(format!("bincode decoded {back:?} using {used} bytes"));
    }
    match NET.from_slice::<T>(&theirs) {
        Ok(back) if &back == value => TestResult::passed(),
        other => TestResult::error(format!("we decode bincode's bytes as {other:?}")),
    }
}

#[test]
fn primitives_match_bincode() {
    fn prop(p: Prims) -> TestResult {
        same_as_bincode(&p)
    }
    QuickCheck::new().quickcheck(prop as fn(Prims) -> TestResult);
}

#[test]
fn everything_matches_bincode() {
    fn prop(e: Everything) -> TestResult {
        same_as_bincode(&e)
    }
    QuickCheck::new()
        .tests(60)
        .quickcheck(prop as fn(Everything) -> TestResult);
}

#[test]
fn enums_and_strings_match_bincode() {
    fn prop(k: Vec<Kind>, o: Owned, s: String, c: char) -> TestResult {
        let r = same_as_bincode(&k);
        if r.is_failure() {
            return r;
        }
        let r = same_as_bincode(&(o, s, c));
        if r.is_failure() {
            return r;
        }
        TestResult::passed()
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Kind>, Owned, String, char) -> TestResult);
}

#[test]
fn collections_match_bincode() {
    type Mix = (
        Option<Option<Vec<i16>>>,
        BTreeMap<String, (u8, Option<char>)>,
        Vec<(bool, u128, i128)>,
        [Option<u32>; 4],
    );
    fn prop(m: Mix) -> TestResult {
        same_as_bincode(&m)
    }
    QuickCheck::new().quickcheck(prop as fn(Mix) -> TestResult);
}

#[test]
fn borrowed_views_match_bincode() {
    fn prop(o: Owned) -> TestResult {
        let view = o.view();
        let ours = NET.to_vec(&view).unwrap();
        let theirs = bincode::serde::encode_to_vec(&view, bincode_config()).unwrap();
        if ours != theirs {
            return TestResult::error("borrowed encodings differ");
        }
        let (back, _): (Borrowed, usize) =
            bincode::serde::borrow_decode_from_slice(&ours, bincode_config()).unwrap();
        if back != view {
            return TestResult::error("bincode borrowed decode differs");
        }
        match NET.from_slice::<Borrowed>(&theirs) {
            Ok(back) if back == view => TestResult::passed(),
            other => TestResult::error(format!("{other:?}")),
        }
    }
    QuickCheck::new().quickcheck(prop as fn(Owned) -> TestResult);
}

#[test]
fn edge_values_match_bincode() {
    let f = f64::from_bits(0x7ff0_0000_0000_0001);
    for r in [
        same_as_bincode(&(u128::MAX, i128::MIN, u64::MAX, i8::MIN)),
        same_as_bincode(&('\0', '\u{7f}', '\u{80}', '\u{ffff}', '\u{10ffff}')),
        same_as_bincode(&(String::new(), Vec::<u8>::new(), Some(()), None::<()>)),
        same_as_bincode(&(Kind::Unit, Kind::Nested(Box::new(Kind::Char('😀'))))),
        same_as_bincode(&net_types::F64(f)),
        same_as_bincode(&(net_types::Marker, net_types::Id(7), net_types::Point(-1, 1))),
    ] {
        assert!(!r.is_failure(), "{r:?}");
    }
}
