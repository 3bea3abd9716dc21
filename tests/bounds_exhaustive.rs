//! Exhaustive inputs.
//!
//! - `net`: every byte string of up to 3 bytes through every entry point
//!   (`from_slice`, `take_from_slice`, `from_reader`) for the test message
//!   types, under the default settings and with one-byte length prefixes
//!   (so strings and sequences fit in 3 bytes).
//! - `ascii`: every string of up to 5 symbols over a 16-symbol alphabet of
//!   digits, separators and markers (`0 1 2`, space, `\n`, `\r`, `~ + - :`,
//!   `. e`, `N a i n`) through every entry point, `from_str` included.
//!
//! Each input goes through `netwire::fuzz::check_decode_with`: no panic,
//! the entry points agree, whatever decodes round-trips.
//!
//! Inputs of up to 2 bytes (`net`) and 3 symbols (`ascii`) run in the
//! normal test suite. The 3-byte `net` run (16.8 million inputs per type
//! and setting) and the 4- and 5-symbol `ascii` runs (65 536 and 1 048 576
//! strings) are ignored in debug builds; `.ci/fuzz.sh` runs them in
//! release (under a minute):
//!
//! ```text
//! cargo test --release --test bounds_exhaustive -- --ignored
//! ```

use std::collections::BTreeMap;

use netwire::fuzz::{check_decode_borrowed_with, check_decode_with};
use netwire::net::{Config, LengthWidth, TagWidth};
use serde::{Deserialize, Serialize};

/// Every serde shape that fits in a few bytes.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Small {
    Unit,
    Byte(u8),
    Pair(bool, Option<u8>),
    Letter(char),
    Bytes(#[serde(with = "serde_bytes")] Vec<u8>),
    Text(String),
    Map(BTreeMap<u8, ()>),
    Nested(Option<Box<Small>>),
    Struct { a: i8, b: [u8; 1] },
    Wide(u16),
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Tree {
    Leaf,
    Node(Box<Tree>, Box<Tree>),
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Borrowed<'a> {
    text: &'a str,
    bytes: &'a [u8],
}

fn configs() -> [Config; 3] {
    [
        Config::new(),
        Config::new().with_length_width(LengthWidth::U8),
        Config::new()
            .with_length_width(LengthWidth::U8)
            .with_tag_width(TagWidth::U16)
            .with_limit(2)
            .with_depth(1),
    ]
}

/// Checks one input with every type and setting.
fn check(input: &[u8]) {
    for config in &configs() {
        check_decode_with::<Small, _>(config, input);
        check_decode_with::<Tree, _>(config, input);
        check_decode_with::<(u8, char), _>(config, input);
        check_decode_with::<Vec<bool>, _>(config, input);
        check_decode_with::<String, _>(config, input);
        let mut scratch = Vec::new();
        check_decode_borrowed_with::<Borrowed, _>(config, input, &mut scratch);
    }
}

/// Every string of `len` digits in `base` (at most 256), counting up with
/// the last digit fastest.
fn all_digits(len: usize, base: u16, mut f: impl FnMut(&[u8])) {
    let mut digits = vec![0u8; len];
    loop {
        f(&digits);
        let mut i = len;
        loop {
            if i == 0 {
                return;
            }
            i -= 1;
            if u16::from(digits[i]) + 1 == base {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
}

/// Every byte string of exactly `len` bytes.
fn all_of_length(len: usize, f: impl FnMut(&[u8])) {
    all_digits(len, 256, f);
}

/// The ascii alphabet: digits, separators, option and sign markers, the
/// netstring colon, float pieces and the letters of `NaN` and `inf`'s
/// start.
const ALPHABET: [u8; 16] = *b"012 \n\r~+-:.eNain";

fn ascii_configs() -> [netwire::ascii::Config; 2] {
    [
        netwire::ascii::Config::new(),
        netwire::ascii::Config::new().with_limit(3).with_depth(1),
    ]
}

/// Checks one ascii input with every type and setting.
fn check_ascii(input: &[u8]) {
    for config in &ascii_configs() {
        check_decode_with::<Small, _>(config, input);
        check_decode_with::<Tree, _>(config, input);
        check_decode_with::<(i8, Option<f32>), _>(config, input);
        check_decode_with::<Vec<Option<bool>>, _>(config, input);
        check_decode_with::<(char, String), _>(config, input);
        check_decode_with::<f64, _>(config, input);
        if let Ok(text) = std::str::from_utf8(input) {
            let a = config
                .from_str::<Small>(text)
                .map_err(|e| (e.kind().clone(), e.offset()));
            let b = config
                .from_slice::<Small>(input)
                .map_err(|e| (e.kind().clone(), e.offset()));
            assert_eq!(a, b, "from_str and from_slice disagree on {text:?}");
        }
    }
}

/// Every string of exactly `len` symbols of [`ALPHABET`].
fn all_ascii_of_length(len: usize, mut f: impl FnMut(&[u8])) {
    let mut text = vec![0u8; len];
    all_digits(len, ALPHABET.len() as u16, |digits| {
        for (t, &d) in text.iter_mut().zip(digits) {
            *t = ALPHABET[usize::from(d)];
        }
        f(&text);
    });
}

#[test]
fn every_ascii_string_of_up_to_three_symbols() {
    let mut n = 0;
    for len in 0..=3 {
        all_ascii_of_length(len, |input| {
            check_ascii(input);
            n += 1;
        });
    }
    assert_eq!(n, 1 + 16 + 256 + 4096);
}

#[test]
#[ignore = "65 536 strings: run in release (cargo test --release --test bounds_exhaustive -- --ignored)"]
fn every_ascii_string_of_four_symbols() {
    let mut n = 0;
    all_ascii_of_length(4, |input| {
        check_ascii(input);
        n += 1;
    });
    assert_eq!(n, 1 << 16);
}

#[test]
#[ignore = "1 million strings: run in release (cargo test --release --test bounds_exhaustive -- --ignored)"]
fn every_ascii_string_of_five_symbols() {
    let mut n = 0;
    all_ascii_of_length(5, |input| {
        check_ascii(input);
        n += 1;
    });
    assert_eq!(n, 1 << 20);
}

#[test]
fn every_input_of_up_to_two_bytes() {
    let mut n = 0;
    for len in 0..=2 {
        all_of_length(len, |input| {
            check(input);
            n += 1;
        });
    }
    assert_eq!(n, 1 + 256 + 65536);
}

#[test]
#[ignore = "16.8 million inputs: run in release (cargo test --release --test bounds_exhaustive -- --ignored)"]
fn every_input_of_three_bytes() {
    let mut n = 0u64;
    all_of_length(3, |input| {
        check(input);
        n += 1;
    });
    assert_eq!(n, 1 << 24);
}
