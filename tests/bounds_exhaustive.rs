//! Exhaustive inputs: every byte string of up to 3 bytes through every
//! `net` entry point (`from_slice`, `take_from_slice`, `from_reader`) for
//! the test message types, under the default settings and with one-byte
//! length prefixes (so strings and sequences fit in 3 bytes). Each input
//! goes through `netwire::fuzz::check_decode_with`: no panic, the entry
//! points agree, whatever decodes round-trips.
//!
//! Inputs of up to 2 bytes run in the normal test suite. The 3-byte run
//! (16.8 million inputs per type and setting) is ignored in debug builds;
//! `.ci/fuzz.sh` runs it in release:
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

/// Every input of exactly `len` bytes, in order.
fn all_of_length(len: usize, mut f: impl FnMut(&[u8])) {
    let mut input = vec![0u8; len];
    loop {
        f(&input);
        // Count up in base 256, last byte fastest.
        let mut i = len;
        loop {
            if i == 0 {
                return;
            }
            i -= 1;
            if input[i] == u8::MAX {
                input[i] = 0;
            } else {
                input[i] += 1;
                break;
            }
        }
    }
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
