//! Every strict prefix of a valid encoding is an unexpected end — never a
//! panic, never a wrong value — and `Error::needed` is exact.

use crate::support::io::ScriptedReader;
use crate::support::net_types::{Everything, Kind, Owned};
use netwire::net::Config;
use quickcheck::{Gen, QuickCheck, TestResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

const CONFIGS: [Config; 2] = [Config::new(), Config::bincode_legacy()];

/// Checks every strict prefix of `value`'s encoding through `from_slice`,
/// `take_from_slice` and `from_reader`.
fn every_prefix_is_eof<T: Serialize + DeserializeOwned>(cfg: &Config, value: &T) -> TestResult {
    let bytes = cfg.to_vec(value).unwrap();
    let total = bytes.len() as u64;
    for cut in 0..bytes.len() {
        let prefix = &bytes[..cut];
        let n = cut as u64;
        let errors = [
            cfg.from_slice::<T>(prefix).err(),
            cfg.take_from_slice::<T>(prefix).err(),
            cfg.from_reader::<_, T>(prefix).err(),
            cfg.from_reader::<_, T>(ScriptedReader::one_byte(prefix))
                .err(),
        ];
        for (i, err) in errors.into_iter().enumerate() {
            let Some(err) = err else {
                return TestResult::error(format!("entry {i}: prefix of {cut} bytes decoded"));
            };
            let ok = err.is_eof()
                && err.offset().is_some_and(|o| o <= n)
                && err.needed().is_some_and(|need| need > n && need <= total);
            if !ok {
                return TestResult::error(format!("entry {i}, cut {cut} of {total}: {err:?}"));
            }
        }
    }
    TestResult::passed()
}

/// Feeding exactly `needed` bytes each time walks to the full message:
/// `needed` never overshoots and always makes progress.
fn needed_walks_to_the_end<T: Serialize + DeserializeOwned>(cfg: &Config, value: &T) -> TestResult {
    let bytes = cfg.to_vec(value).unwrap();
    let mut have = 0usize;
    loop {
        match cfg.from_slice::<T>(&bytes[..have]) {
            Ok(_) if have == bytes.len() => return TestResult::passed(),
            Ok(_) => return TestResult::error(format!("decoded from {have} bytes")),
            Err(e) => match e.needed().map(usize::try_from) {
                Some(Ok(need)) if e.is_eof() && need > have && need <= bytes.len() => have = need,
                _ => return TestResult::error(format!("at {have}: {e:?}")),
            },
        }
    }
}

/// Every prefix of every case is decoded four ways, so cases stay small.
fn small(tests: u64, size: usize) -> QuickCheck {
    QuickCheck::new().tests(tests).rng(Gen::new(size))
}

#[test]
fn truncated_everything_is_eof() {
    fn prop(e: Everything) -> TestResult {
        for cfg in &CONFIGS {
            let r = every_prefix_is_eof(cfg, &e);
            if r.is_failure() {
                return r;
            }
        }
        TestResult::passed()
    }
    small(30, 6).quickcheck(prop as fn(Everything) -> TestResult);
}

#[test]
fn truncated_kinds_and_strings_are_eof() {
    fn prop(k: Vec<Kind>, o: Owned) -> TestResult {
        for cfg in &CONFIGS {
            for r in [every_prefix_is_eof(cfg, &k), every_prefix_is_eof(cfg, &o)] {
                if r.is_failure() {
                    return r;
                }
            }
        }
        TestResult::passed()
    }
    small(60, 10).quickcheck(prop as fn(Vec<Kind>, Owned) -> TestResult);
}

#[test]
fn needed_is_exact() {
    fn prop(e: Everything, k: Vec<Kind>) -> TestResult {
        for cfg in &CONFIGS {
            for r in [
                needed_walks_to_the_end(cfg, &e),
                needed_walks_to_the_end(cfg, &k),
            ] {
                if r.is_failure() {
                    return r;
                }
            }
        }
        TestResult::passed()
    }
    small(60, 12).quickcheck(prop as fn(Everything, Vec<Kind>) -> TestResult);
}

#[test]
fn char_truncated_after_its_first_byte_points_at_the_char() {
    // '€' is e2 82 ac.
    let err = netwire::net::from_slice::<(u8, char)>(&[9, 0xe2, 0x82]).unwrap_err();
    assert!(err.is_eof());
    assert_eq!((err.offset(), err.needed()), (Some(1), Some(4)));
    let err = netwire::net::from_reader::<_, (u8, char)>(&[9u8, 0xe2][..]).unwrap_err();
    assert!(err.is_eof());
    assert_eq!((err.offset(), err.needed()), (Some(1), Some(4)));
}
