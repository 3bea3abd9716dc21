//! Found by the `stream_schedule` fuzz target: an `ascii` token that runs
//! to the end of the bytes received so far is judged before the byte after
//! it is known. A self-delimited stream whose reads stop there fails with
//! a different error (kind and offset) than the same bytes read at once.
//! Three inputs, all malformed, so no valid stream is refused; only the
//! error reported depends on how the bytes arrived.
//!
//! Input (the first message of the stream): `18446744073709551615007 ...`
//! as the tag of a 6-variant enum. Read at once, the token overflows a
//! `u64`: `NumberOutOfRange` at offset 0. Read 4 bytes at a time, the
//! decoder sees `1844`, takes it as a whole token and fails with
//! `TagOutOfRange { tag: 1844 }`, which more digits can never make valid
//! but which is not the error of the stream. A prefix of a message must
//! give `UnexpectedEnd` (the `Encoding::decode_prefix` contract) unless no
//! continuation could change the outcome.

use crate::support::io::ScriptedReader;
use netwire::ErrorKind;
use netwire::message::SelfDelimited;
use netwire::stream::MessageReader;
use serde::Deserialize;

#[derive(Deserialize, Debug, PartialEq)]
#[allow(dead_code)]
enum Six {
    A,
    B,
    C,
    D,
    E,
    F,
}

const INPUT: &[u8] = b"18446744073709551615007 1\n";

/// The second input the target found: the tag `700` is followed by a byte
/// that cannot end a number (`InvalidNumber` at once); read two bytes at a
/// time, `70` is taken as the tag (`TagOutOfRange`).
const BAD_END: &[u8] = b"700\xe0 1\n";

#[test]
fn at_once_the_tag_is_malformed() {
    let err = netwire::ascii::from_slice::<Six>(BAD_END).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidNumber);
    assert_eq!(err.offset(), Some(0));
}

#[test]
fn a_prefix_of_the_malformed_tag_needs_more_bytes() {
    for cut in 1..=3 {
        let err = netwire::ascii::take_from_slice::<Six>(&BAD_END[..cut]).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::UnexpectedEnd,
            "prefix of {cut} bytes: {err:?}"
        );
    }
}

/// The third input: a string whose body is not UTF-8 and is followed by a
/// byte that is not a separator. At once the separator is checked first
/// (`Expected` at offset 4, after the body); when the input ends right
/// after the body, the body is checked first (`InvalidUtf8`).
const BAD_BODY: &[u8] = b"2:\x95\x07\x00\n";

#[test]
fn at_once_the_separator_is_checked_first() {
    let err = netwire::ascii::from_slice::<String>(BAD_BODY).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Expected(_)), "{err:?}");
    assert_eq!(err.offset(), Some(4));
}

#[test]
fn a_prefix_ending_after_the_body_gives_the_same_error_or_needs_more() {
    let err = netwire::ascii::take_from_slice::<String>(&BAD_BODY[..4]).unwrap_err();
    let whole = netwire::ascii::from_slice::<String>(BAD_BODY).unwrap_err();
    assert!(
        err.kind() == &ErrorKind::UnexpectedEnd
            || (err.kind(), err.offset()) == (whole.kind(), whole.offset()),
        "prefix: {err:?}, whole: {whole:?}"
    );
}

#[test]
fn at_once_the_tag_overflows() {
    let err = netwire::ascii::from_slice::<Six>(INPUT).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NumberOutOfRange);
    assert_eq!(err.offset(), Some(0));
}

#[test]
fn a_prefix_inside_the_number_needs_more_bytes_or_already_overflows() {
    for cut in 1..23 {
        let err = netwire::ascii::take_from_slice::<Six>(&INPUT[..cut]).unwrap_err();
        if cut <= 20 {
            // Up to u64::MAX's 20 digits, more digits could still follow.
            assert_eq!(
                err.kind(),
                &ErrorKind::UnexpectedEnd,
                "prefix of {cut} bytes: {err:?}"
            );
        } else {
            // 21 digits overflow whatever follows: the whole input's error.
            assert_eq!(
                (err.kind(), err.offset()),
                (&ErrorKind::NumberOutOfRange, Some(0)),
                "prefix of {cut} bytes"
            );
        }
    }
}

#[test]
fn every_read_size_gives_the_same_error() {
    for step in 1..=INPUT.len() {
        let reader = ScriptedReader::chunked(INPUT, &[step]);
        let mut rx = MessageReader::with_encoding(
            reader,
            SelfDelimited::new(),
            netwire::ascii::Config::new(),
        );
        let err = rx.read::<Six>().unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::NumberOutOfRange,
            "reads of {step} bytes"
        );
        assert_eq!(err.offset(), Some(0), "reads of {step} bytes");
    }
}

/// Bytes over an alphabet of digits, separators, markers and float
/// letters: mostly malformed messages that reach deep into the grammar.
#[derive(Clone, Debug)]
struct Tokens(Vec<u8>);

impl quickcheck::Arbitrary for Tokens {
    fn arbitrary(g: &mut quickcheck::Gen) -> Self {
        const ALPHABET: &[u8] = b"0123456789 :+~-.e\nNaif\r\xe0";
        let len = <usize as quickcheck::Arbitrary>::arbitrary(g) % 48;
        Tokens(
            (0..len)
                .map(|_| *g.choose(ALPHABET).expect("non-empty"))
                .collect(),
        )
    }
}

/// Every prefix of `input` either needs more bytes or fails exactly as the
/// whole input does (a value from the whole is the same value, from the
/// same bytes, in every prefix that holds it).
fn prefixes_agree<T>(input: &[u8]) -> bool
where
    T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let whole = netwire::ascii::take_from_slice::<T>(input);
    (0..input.len()).all(|cut| {
        let prefix = netwire::ascii::take_from_slice::<T>(&input[..cut]);
        let agree = match (&prefix, &whole) {
            (Err(e), _) if e.is_eof() => true,
            (Err(e), Err(w)) => (e.kind(), e.offset()) == (w.kind(), w.offset()),
            // Both took the same bytes: `cut` minus the prefix's rest.
            (Ok((v, rest)), Ok((w, wrest))) => {
                v == w && cut - rest.len() == input.len() - wrest.len()
            }
            _ => false,
        };
        if !agree {
            eprintln!(
                "{}: {:?} cut at {cut}: {prefix:?}, whole: {whole:?}",
                std::any::type_name::<T>(),
                String::from_utf8_lossy(input)
            );
        }
        agree
    })
}

#[derive(Deserialize, Debug, PartialEq)]
enum Shape {
    Unit,
    Pair(u16, Option<String>),
    Point { x: f64, y: i32 },
    Text(char, Vec<u8>),
}

#[test]
fn every_prefix_needs_more_or_fails_as_the_whole() {
    fn prop(input: Tokens) -> bool {
        prefixes_agree::<Six>(&input.0)
            && prefixes_agree::<Shape>(&input.0)
            && prefixes_agree::<Vec<Option<i64>>>(&input.0)
            && prefixes_agree::<(bool, f32, String)>(&input.0)
            && prefixes_agree::<(u128, i8)>(&input.0)
    }
    quickcheck::QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(Tokens) -> bool);
}

/// Found by `stream_schedule` once self-delimited ascii streams scan for
/// the line end: 21 digits and a `:` were taken for a string head when
/// they arrived at once (a length no message can have, so the decoder was
/// asked at once: `NumberOutOfRange`), but not when the `:` arrived after
/// the digits had been passed over as an ordinary token (`Truncated` at
/// the end of the stream). Every read size must end the same way.
#[test]
fn a_digit_run_too_long_for_a_length_is_judged_alike_in_every_schedule() {
    let inputs: [&[u8]; 3] = [
        b"184467440737099999999:\x00\xff\xff\x019999\x0399\x01",
        b"184467440737099999999:\x00 1\n",
        b"18446744073709999999:\x00 1\n",
    ];
    for input in inputs {
        let outcome = |step: usize| {
            let reader = ScriptedReader::chunked(input, &[step]);
            let mut rx = MessageReader::with_encoding(
                reader,
                SelfDelimited::new(),
                netwire::ascii::Config::new(),
            );
            rx.read::<(String, u8)>()
                .map_err(|e| (e.kind().clone(), e.offset()))
        };
        let at_once = outcome(input.len());
        for step in 1..input.len() {
            assert_eq!(outcome(step), at_once, "{input:?} in reads of {step}");
        }
    }
}
