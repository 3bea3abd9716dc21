//! Round-trip properties of the `ascii` format: every value comes back
//! through every entry point (slice, str, prefix, reader in any chunking),
//! `encoded_len` agrees with the encoding, and every truncation of a valid
//! message is an unexpected-end error.

// The point of these tests is wide, nested types.
#![allow(clippy::type_complexity)]

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;

use crate::support::io::ScriptedReader;
use netwire::ErrorKind;
use netwire::ascii;
use quickcheck::{Arbitrary, Gen, QuickCheck};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Checks every entry point and every truncation on `value`; returns the
/// encoding.
fn check<T>(value: &T, chunks: &[usize]) -> Vec<u8>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let bytes = ascii::to_vec(value).expect("encode");
    assert_eq!(bytes.last(), Some(&b'\n'), "{bytes:?}");
    assert_eq!(ascii::encoded_len(value).unwrap(), bytes.len());
    let mut written = Vec::new();
    ascii::to_writer(&mut written, value).unwrap();
    assert_eq!(written, bytes);

    assert_eq!(&ascii::from_slice::<T>(&bytes).unwrap(), value);
    match std::str::from_utf8(&bytes) {
        Ok(text) => {
            assert_eq!(&ascii::from_str::<T>(text).unwrap(), value);
            assert_eq!(ascii::to_string(value).unwrap(), text);
        }
        Err(e) => {
            let err = ascii::to_string(value).unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::InvalidUtf8);
            assert_eq!(err.offset(), Some(e.valid_up_to() as u64));
        }
    }

    // A following message stays untouched.
    let mut two = bytes.clone();
    two.extend_from_slice(b"5 1:x\r\n");
    let (back, rest) = ascii::take_from_slice::<T>(&two).unwrap();
    assert_eq!(&back, value);
    assert_eq!(rest, b"5 1:x\r\n");
    let err = ascii::from_slice::<T>(&two).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::TrailingBytes);
    assert_eq!(err.offset(), Some(bytes.len() as u64));

    // Readers: whole, one byte per read, and the given chunking; each one
    // must stop right after the message.
    for chunks in [vec![usize::MAX], vec![1], chunks.to_vec()] {
        let mut reader = ScriptedReader::chunked(&two, &chunks);
        assert_eq!(&ascii::from_reader::<_, T>(&mut reader).unwrap(), value);
        let next: (u8, String) = ascii::from_reader(&mut reader).unwrap();
        assert_eq!(next, (5, "x".to_owned()));
        assert_eq!(reader.remaining(), 0);
    }

    // Every strict prefix is an unexpected end that asks for more (on long
    // encodings, a spread of them, so the test stays linear).
    for n in prefixes(bytes.len()) {
        let cut = &bytes[..n];
        let err = ascii::from_slice::<T>(cut).unwrap_err();
        assert!(err.is_eof(), "prefix {cut:?} of {bytes:?}: {err:?}");
        let needed = err.needed().expect("needed");
        assert!(
            needed > n as u64 && needed <= bytes.len() as u64,
            "{err:?} on {cut:?}"
        );
        assert!(err.offset().is_some_and(|o| o <= n as u64), "{err:?}");
        let err = ascii::from_reader::<_, T>(cut).unwrap_err();
        assert!(err.is_eof(), "reader prefix {cut:?}: {err:?}");
    }
    bytes
}

fn qc() -> QuickCheck {
    QuickCheck::new().rng(Gen::new(20))
}

/// Prefix lengths to try: all below `len` when it is short, else 200 spread
/// over the whole range plus the last few.
fn prefixes(len: usize) -> impl Iterator<Item = usize> {
    let step = len.div_ceil(200).max(1);
    (0..len).filter(move |n| n % step == 0 || len - n < 8)
}

fn chunking(g: &mut Gen) -> Vec<usize> {
    let n = usize::from(u8::arbitrary(g) % 4) + 1;
    (0..n)
        .map(|_| usize::from(u8::arbitrary(g) % 7) + 1)
        .collect()
}

macro_rules! round_trip {
    ($($name:ident: $t:ty;)*) => {$(
        #[test]
        fn $name() {
            fn prop(value: $t, chunks: Chunks) -> bool {
                check(&value, &chunks.0);
                true
            }
            qc().quickcheck(prop as fn($t, Chunks) -> bool);
        }
    )*};
}

#[derive(Clone, Debug)]
struct Chunks(Vec<usize>);

impl Arbitrary for Chunks {
    fn arbitrary(g: &mut Gen) -> Self {
        Chunks(chunking(g))
    }
}

round_trip! {
    unsigned: (bool, u8, u16, u32, u64, u128, usize);
    signed: (i8, i16, i32, i64, i128, isize);
    chars_and_strings: (char, String, Vec<char>);
    nested_options: (Option<u8>, Option<Option<i16>>, Option<Option<Option<()>>>, Option<String>, Vec<Option<()>>);
    unit_options_between_tokens: (Option<()>, u8, Option<Option<()>>, ());
    vectors: (Vec<String>, Vec<Vec<u16>>, Vec<()>);
    maps: (BTreeMap<String, Vec<i32>>, HashMap<u8, Option<String>>);
    tuples: ((u8, (i64, String)), ((), ((),)), (bool,));
    enums: (Shape, Vec<Shape>, Option<Shape>);
    structs: Record;
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Unit;

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Pair(u8, i8);

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Meters(f64);

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Shape {
    Empty,
    Point(i32),
    Line(u8, String),
    Box {
        w: u16,
        h: Option<u16>,
        tags: Vec<String>,
    },
    Nothing(),
    Marker(Unit),
    Nested(Box<Shape>),
}

impl Arbitrary for Shape {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 8 {
            0 => Shape::Empty,
            1 => Shape::Point(i32::arbitrary(g)),
            2 => Shape::Line(u8::arbitrary(g), String::arbitrary(g)),
            3 => Shape::Box {
                w: u16::arbitrary(g),
                h: Option::arbitrary(g),
                tags: Vec::arbitrary(g),
            },
            4 => Shape::Nothing(),
            5 => Shape::Marker(Unit),
            6 => Shape::Nested(Box::new(Shape::Point(i32::arbitrary(g)))),
            _ => Shape::Nested(Box::new(Shape::Nested(Box::new(Shape::Empty)))),
        }
    }
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Record {
    id: u64,
    unit: Unit,
    pair: Pair,
    nothing: (),
    maybe_unit: Option<()>,
    after: i16,
    array: [u8; 4],
    strings: [String; 2],
    #[serde(with = "serde_bytes")]
    blob: Vec<u8>,
    map: BTreeMap<u8, Shape>,
    len: Meters,
}

impl Arbitrary for Record {
    fn arbitrary(g: &mut Gen) -> Self {
        let f = f64::arbitrary(g);
        Record {
            id: u64::arbitrary(g),
            unit: Unit,
            pair: Pair(u8::arbitrary(g), i8::arbitrary(g)),
            nothing: (),
            maybe_unit: Option::arbitrary(g),
            after: i16::arbitrary(g),
            array: [u8::arbitrary(g), u8::arbitrary(g), 0, 255],
            strings: [String::arbitrary(g), "a b\n".to_owned()],
            blob: Vec::arbitrary(g),
            map: BTreeMap::arbitrary(g),
            len: Meters(if f.is_nan() { 0.5 } else { f }),
        }
    }
}

/// Floats come back bit for bit (NaN as the canonical NaN).
#[test]
fn floats_bit_exact() {
    fn same32(a: f32, b: f32) -> bool {
        if a.is_nan() {
            b.to_bits() == f32::NAN.to_bits()
        } else {
            a.to_bits() == b.to_bits()
        }
    }
    fn same64(a: f64, b: f64) -> bool {
        if a.is_nan() {
            b.to_bits() == f64::NAN.to_bits()
        } else {
            a.to_bits() == b.to_bits()
        }
    }
    fn prop(a: f32, b: f64, bits32: u32, bits64: u64) -> bool {
        let value = (a, b, f32::from_bits(bits32), f64::from_bits(bits64));
        let bytes = ascii::to_vec(&value).unwrap();
        assert_eq!(ascii::encoded_len(&value).unwrap(), bytes.len());
        let back: (f32, f64, f32, f64) = ascii::from_slice(&bytes).unwrap();
        let from_reader: (f32, f64, f32, f64) = ascii::from_reader(&bytes[..]).unwrap();
        for n in prefixes(bytes.len()) {
            assert!(
                ascii::from_slice::<(f32, f64, f32, f64)>(&bytes[..n])
                    .unwrap_err()
                    .is_eof()
            );
        }
        [back, from_reader].iter().all(|back| {
            same32(value.0, back.0)
                && same64(value.1, back.1)
                && same32(value.2, back.2)
                && same64(value.3, back.3)
        })
    }
    qc().quickcheck(prop as fn(f32, f64, u32, u64) -> bool);

    let specials = (
        0.0f64,
        -0.0f64,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        5e-324f64,
        f64::MAX,
    );
    let bytes = ascii::to_vec(&specials).unwrap();
    assert_eq!(
        bytes,
        b"0.0 -0.0 NaN inf -inf 2.2250738585072014e-308 5e-324 1.7976931348623157e308\n"
    );
    let back: (f64, f64, f64, f64, f64, f64, f64, f64) = ascii::from_slice(&bytes).unwrap();
    assert_eq!(back.1.to_bits(), (-0.0f64).to_bits());
    assert!(back.2.is_nan());
    assert_eq!(
        (back.3, back.4, back.6, back.7),
        (f64::INFINITY, f64::NEG_INFINITY, 5e-324, f64::MAX)
    );
    assert_eq!(
        ascii::to_vec(&(f32::MAX, f32::MIN_POSITIVE, 0.1f32)).unwrap(),
        b"3.4028235e38 1.1754944e-38 0.1\n"
    );
}

/// Borrowed strings and bytes point into the input.
#[test]
fn borrowed_round_trip() {
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Borrowed<'a> {
        text: &'a str,
        #[serde(with = "serde_bytes")]
        raw: &'a [u8],
        #[serde(borrow)]
        cow: Cow<'a, str>,
        list: Vec<&'a str>,
    }
    fn prop(text: String, raw: Vec<u8>, list: Vec<String>) -> bool {
        let value = Borrowed {
            text: &text,
            raw: &raw,
            cow: Cow::Borrowed(&text),
            list: list.iter().map(String::as_str).collect(),
        };
        let bytes = ascii::to_vec(&value).unwrap();
        let back: Borrowed = ascii::from_slice(&bytes).unwrap();
        let range = bytes.as_ptr_range();
        assert!(range.contains(&back.text.as_ptr()) || back.text.is_empty());
        assert!(range.contains(&back.raw.as_ptr()) || back.raw.is_empty());
        assert!(matches!(back.cow, Cow::Borrowed(_)));
        let mut two = bytes.clone();
        two.extend_from_slice(b"\n");
        let (first, rest) = ascii::take_from_slice::<Borrowed>(&two).unwrap();
        assert_eq!(rest, b"\n");
        for n in prefixes(bytes.len()) {
            assert!(
                ascii::from_slice::<Borrowed>(&bytes[..n])
                    .unwrap_err()
                    .is_eof()
            );
        }
        back == value && first == value
    }
    qc().quickcheck(prop as fn(String, Vec<u8>, Vec<String>) -> bool);
}

/// Text with spaces, newlines and multi-byte UTF-8 inside strings.
#[test]
fn strings_carry_any_byte() {
    let value = ("a b\nc\r\n", " ", "\n", "é€😀", ':', ' ', '\n');
    let bytes = check(
        &(
            value.0.to_owned(),
            value.1.to_owned(),
            value.2.to_owned(),
            value.3.to_owned(),
            value.4,
            value.5,
            value.6,
        ),
        &[3],
    );
    assert_eq!(
        bytes,
        "7:a b\nc\r\n 1:  1:\n 9:é€😀 1:: 1:  1:\n\n".as_bytes()
    );
    let raw = serde_bytes::ByteBuf::from(vec![0, b' ', b'\n', 0xff, b':']);
    let bytes = check(&raw, &[2]);
    assert_eq!(bytes, b"5:\x00 \n\xff:\n");
}

/// Sequences and maps whose length is only known at the end are written
/// with their count in front, like any other.
#[test]
fn unknown_length_sequences() {
    struct Evens(Vec<u32>);
    impl Serialize for Evens {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().filter(|v| *v % 2 == 0))
        }
    }
    struct EvenMap(Vec<u32>);
    impl Serialize for EvenMap {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().filter(|v| *v % 2 == 0).map(|v| (v, v / 2)))
        }
    }
    let value = (
        1u8,
        Some(Evens(vec![1, 2, 3, 4, 10])),
        Evens(vec![]),
        EvenMap(vec![4, 5]),
        Some(Evens(vec![7])),
    );
    let bytes = ascii::to_vec(&value).unwrap();
    assert_eq!(bytes, b"1 +3 2 4 10 0 1 4 2 +0\n");
    assert_eq!(ascii::encoded_len(&value).unwrap(), bytes.len());
    let back: (
        u8,
        Option<Vec<u32>>,
        Vec<u32>,
        BTreeMap<u32, u32>,
        Option<Vec<u32>>,
    ) = ascii::from_slice(&bytes).unwrap();
    assert_eq!(
        back,
        (
            1,
            Some(vec![2, 4, 10]),
            vec![],
            BTreeMap::from([(4, 2)]),
            Some(vec![])
        )
    );
}

/// The byte-exact example of the format's documentation.
#[test]
fn documented_example() {
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    enum Msg<'a> {
        Ping(u32),
        Chat { room: u16, text: &'a str },
        Bye,
    }
    let cases: [(Msg, &[u8]); 3] = [
        (Msg::Ping(0), b"0 0\n"),
        (
            Msg::Chat {
                room: 7,
                text: "hi",
            },
            b"1 7 2:hi\n",
        ),
        (Msg::Bye, b"2\n"),
    ];
    for (msg, wire) in cases {
        assert_eq!(ascii::to_vec(&msg).unwrap(), wire);
        assert_eq!(ascii::from_slice::<Msg>(wire).unwrap(), msg);
    }
}

/// `Some(())` is the lone token `+`; units write nothing at all.
#[test]
fn units_and_unit_options() {
    let cases: Vec<(Vec<u8>, &[u8])> = vec![
        (ascii::to_vec(&()).unwrap(), b"\n"),
        (ascii::to_vec(&Unit).unwrap(), b"\n"),
        (ascii::to_vec(&((), Unit, ((), ()))).unwrap(), b"\n"),
        (ascii::to_vec(&Some(())).unwrap(), b"+\n"),
        (ascii::to_vec(&Some(Some(()))).unwrap(), b"++\n"),
        (
            ascii::to_vec(&(Some(()), 1u8, Some(()))).unwrap(),
            b"+ 1 +\n",
        ),
        (ascii::to_vec(&((), 1u8, (), 2u8, ())).unwrap(), b"1 2\n"),
        (
            ascii::to_vec(&vec![Some(()), None, Some(())]).unwrap(),
            b"3 + ~ +\n",
        ),
        (ascii::to_vec(&Some(((), 4u8))).unwrap(), b"+4\n"),
        (ascii::to_vec(&Some(vec![(); 2])).unwrap(), b"+2\n"),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
    check(&(Some(()), 1u8, Some(())), &[1]);
    check(&Some(((), 4u8)), &[1]);
    check(&vec![Some(()), None, Some(())], &[2]);
}

/// The `Encoding` trait appends and decodes like the free functions.
#[test]
fn encoding_trait() {
    use netwire::Encoding;
    let cfg = ascii::Config::default();
    let mut out = b"x".to_vec();
    cfg.encode_into(&(1u8, "ab"), &mut out).unwrap();
    assert_eq!(out, b"x1 2:ab\n");
    let (v, used): ((u8, &str), usize) = cfg.decode_prefix(&out[1..]).unwrap();
    assert_eq!((v, used), ((1, "ab"), 7));
    assert_eq!(cfg.decode::<(u8, &str)>(&out[1..]).unwrap(), (1, "ab"));
    assert_eq!(Encoding::limit(&cfg), 1 << 24);

    // A failed encode leaves the buffer as it was.
    let small = ascii::Config::new().with_limit(4);
    let mut out = b"keep".to_vec();
    let err = small.encode_into(&"too long", &mut out).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit { len: 11, limit: 4 }
    );
    assert_eq!(out, b"keep");
}
