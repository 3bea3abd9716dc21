//! Malformed and hostile input for the `ascii` decoder: each grammar rule
//! broken, with the exact error kind and offset; limits; depth; readers.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::num::NonZeroU8;

use crate::support::io::{Counted, ScriptedReader};
use netwire::ascii::{self, Config};
use netwire::{Error, ErrorKind};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug)]
enum Msg {
    Ping(u32),
    Chat { room: u16, text: String },
    Bye,
}

const END: ErrorKind = ErrorKind::Expected("the end of the message (\"\\n\")");
const SPACE: ErrorKind = ErrorKind::Expected("a space before the next token");
const COLON: ErrorKind = ErrorKind::Expected("':' after a string length");
const AFTER_BODY: ErrorKind =
    ErrorKind::Expected("a space or the line end right after the string body");
const LF_AFTER_CR: ErrorKind = ErrorKind::Expected("\"\\n\" after \"\\r\"");

/// Decodes `input` as `T` from a slice and from a reader (one byte per
/// read); both must fail with `kind` at `offset`.
fn fails<T>(input: &[u8]) -> (ErrorKind, u64)
where
    T: for<'de> Deserialize<'de> + std::fmt::Debug,
{
    let err = ascii::from_slice::<T>(input).expect_err("decoding must fail");
    let offset = err.offset().expect("every decode error has an offset");
    if err.kind() != &ErrorKind::TrailingBytes {
        let from_reader = ascii::from_reader::<_, T>(ScriptedReader::one_byte(input)).unwrap_err();
        assert_eq!(
            (from_reader.kind(), from_reader.offset()),
            (err.kind(), Some(offset)),
            "reader on {input:?}"
        );
    }
    (err.kind().clone(), offset)
}

macro_rules! table {
    ($($t:ty: $input:expr => $kind:expr, $offset:expr;)*) => {{
        let mut rows = 0;
        $(
            let got = fails::<$t>($input);
            assert_eq!(got, ($kind, $offset), "{} on {:?}", stringify!($t), String::from_utf8_lossy($input));
            rows += 1;
        )*
        rows
    }};
}

#[test]
fn malformed_input_table() {
    use ErrorKind::*;
    let rows = table! {
        // separators and line ends
        (u8, u8): b"1  2\n" => InvalidNumber, 2;           // double space: empty token
        u8: b"1 \n" => END, 1;                              // trailing space
        (u8, u8): b"1 \n" => InvalidNumber, 2;              // trailing space where a token is due
        (u8, u8): b"1\n2\n" => SPACE, 1;                    // line end inside the message
        (u8, u8): b"1\t2\n" => InvalidNumber, 0;            // tab is no separator
        u8: b" 1\n" => InvalidNumber, 0;                    // leading space
        u8: b"1 2\n" => END, 1;                             // extra token
        (): b"x\n" => END, 0;
        u8: b"1\r2" => LF_AFTER_CR, 2;
        u8: b"1\n2" => TrailingBytes, 2;
        u8: b"1\n\n" => TrailingBytes, 2;
        // integers
        i8: b"-0\n" => InvalidNumber, 0;
        i8: b"+1\n" => InvalidNumber, 0;
        u8: b"007\n" => InvalidNumber, 0;
        i32: b"-007\n" => InvalidNumber, 0;
        u8: b"\n" => InvalidNumber, 0;
        i8: b"-\n" => InvalidNumber, 0;
        u8: b"-1\n" => InvalidNumber, 0;
        u32: b"12a\n" => InvalidNumber, 0;
        u32: b"0x10\n" => InvalidNumber, 0;
        u8: b"256\n" => NumberOutOfRange, 0;
        i8: b"128\n" => NumberOutOfRange, 0;
        i8: b"-129\n" => NumberOutOfRange, 0;
        (u8, u16): b"1 65536\n" => NumberOutOfRange, 2;
        u64: b"18446744073709551616\n" => NumberOutOfRange, 0;
        i64: b"-9223372036854775809\n" => NumberOutOfRange, 0;
        u128: b"340282366920938463463374607431768211456\n" => NumberOutOfRange, 0;
        i128: b"170141183460469231731687303715884105728\n" => NumberOutOfRange, 0;
        i128: b"-170141183460469231731687303715884105729\n" => NumberOutOfRange, 0;
        NonZeroU8: b"0\n" => Custom("invalid value: integer `0`, expected a nonzero u8".into()), 0;
        // bools
        bool: b"2\n" => InvalidBool(b'2'), 0;
        bool: b"10\n" => InvalidBool(b'0'), 1;
        (u8, bool): b"0 true\n" => InvalidBool(b't'), 2;
        bool: b"\n" => InvalidBool(b'\n'), 0;
        // options
        Option<u8>: b"x\n" => InvalidOption(b'x'), 0;
        Option<u8>: b"~5\n" => InvalidOption(b'5'), 1;
        Option<u8>: b"+\n" => InvalidNumber, 1;
        Option<u8>: b"+ 5\n" => InvalidNumber, 1;
        Option<u8>: b"\n" => InvalidOption(b'\n'), 0;
        (Option<()>, u8): b"+3\n" => SPACE, 1;              // `+` of a unit stands alone
        Option<()>: b"+ \n" => END, 1;
        // floats
        f64: b"1.\n" => InvalidNumber, 0;
        f64: b".5\n" => InvalidNumber, 0;
        f64: b"1e\n" => InvalidNumber, 0;
        f64: b"1E5\n" => InvalidNumber, 0;
        f64: b"1e+5\n" => InvalidNumber, 0;
        f64: b"+1.5\n" => InvalidNumber, 0;
        f64: b"01.5\n" => InvalidNumber, 0;
        f64: b"nan\n" => InvalidNumber, 0;
        f64: b"-NaN\n" => InvalidNumber, 0;
        f64: b"infinity\n" => InvalidNumber, 0;
        f64: b"Inf\n" => InvalidNumber, 0;
        f64: b"1e999\n" => NumberOutOfRange, 0;
        f32: b"1e39\n" => NumberOutOfRange, 0;
        f32: b"-3.5e38\n" => NumberOutOfRange, 0;
        // netstrings
        String: b"x:a\n" => InvalidNumber, 0;
        String: b"02:hi\n" => InvalidNumber, 0;
        String: b"-1:a\n" => InvalidNumber, 0;
        String: b":\n" => InvalidNumber, 0;
        String: b"2hi\n" => COLON, 1;
        String: b"2 hi\n" => COLON, 1;
        String: b"1:hi\n" => AFTER_BODY, 3;                 // declared length too short
        (String, u8): b"3:hi 1\n" => AFTER_BODY, 5;         // declared length too long
        String: b"2:\xff\xfe\n" => InvalidUtf8, 2;
        (u8, String): b"1 4:ab\xc3(\n" => InvalidUtf8, 6;
        String: b"18446744073709551616:\n" => NumberOutOfRange, 0;
        // chars
        char: b"2:ab\n" => InvalidChar, 0;
        char: b"0:\n" => InvalidChar, 0;
        char: b"5:abcde\n" => InvalidChar, 0;
        char: b"1:\xff\n" => InvalidChar, 0;
        char: b"3:\xed\xa0\x80\n" => InvalidChar, 0;          // a surrogate
        char: b"99999999999:\n" => InvalidChar, 0;
        // sequences, maps, enums
        Vec<u8>: b"2 1\n" => SPACE, 3;
        Vec<u8>: b"1 1 2\n" => END, 3;
        Vec<u8>: b"01 1\n" => InvalidNumber, 0;
        BTreeMap<u8, u8>: b"1 1\n" => SPACE, 3;
        Msg: b"3\n" => TagOutOfRange { tag: 3, variants: 3 }, 0;
        Msg: b"99999999999\n" => TagOutOfRange { tag: 99_999_999_999, variants: 3 }, 0;
        Msg: b"1 7\n" => SPACE, 3;
        Msg: b"2 \n" => END, 1;
    };
    assert_eq!(rows, 80);
}

/// Truncations report where the unfinished
/// item starts and how much input is needed.
#[test]
fn unexpected_end_offsets() {
    let cases: [(&[u8], u64, u64); 6] = [
        (b"", 0, 1),
        (b"1", 1, 2),
        (b"1 ", 2, 3),
        (b"1 5:ab", 2, 10),
        (b"1 5:abcde", 9, 10),
        (b"1 5:abcde\r", 9, 11),
    ];
    for (input, offset, needed) in cases {
        let err = ascii::from_slice::<(u8, String)>(input).unwrap_err();
        assert_eq!(
            (err.kind(), err.offset(), err.needed()),
            (&ErrorKind::UnexpectedEnd, Some(offset), Some(needed)),
            "{input:?}"
        );
    }
    let err = ascii::from_slice::<i64>(b"-").unwrap_err();
    assert_eq!((err.offset(), err.needed()), (Some(0), Some(2)));
    let err = ascii::from_slice::<f64>(b"-in").unwrap_err();
    assert_eq!(
        (err.kind(), err.offset(), err.needed()),
        (&ErrorKind::UnexpectedEnd, Some(0), Some(4))
    );
}

/// Declared lengths and counts are checked against the limit before the
/// input is looked at, so they fail at once and allocate nothing.
#[test]
fn hostile_lengths() {
    let limit = Config::DEFAULT_LIMIT as u64;
    let err = ascii::from_slice::<String>(b"1000000000000000000:abc\n").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: 1_000_000_000_000_000_000,
            limit: limit - 20
        }
    );
    assert_eq!(err.offset(), Some(0));
    let err = ascii::from_slice::<Vec<u8>>(b"1000000000000000000 1\n").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: 1_000_000_000_000_000_000,
            limit
        }
    );

    // From a reader that would go on forever: nothing past the header is read.
    let mut endless = io::Cursor::new(b"1000000000000000000:".to_vec()).chain(io::repeat(b'a'));
    let err = ascii::from_reader::<_, serde_bytes::ByteBuf>(&mut endless).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::LengthOverLimit { .. }));

    // A length within the limit but beyond the input: an end, not a panic,
    // and the reader's buffer grows only with the bytes that arrived.
    let err = ascii::from_reader::<_, String>(&b"16000000:abc"[..]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset(), err.needed()),
        (&ErrorKind::UnexpectedEnd, Some(0), Some(16_000_010))
    );
    let err = ascii::from_slice::<String>(b"16000000:abc").unwrap_err();
    assert_eq!(
        (err.kind(), err.needed()),
        (&ErrorKind::UnexpectedEnd, Some(16_000_010))
    );

    // Zero-size elements share one budget per message.
    let err = ascii::from_slice::<Vec<Vec<()>>>(b"3 16777216 16777216 16777216\n").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: 1 << 24,
            limit: (1 << 24) - 3
        }
    );
    assert_eq!(err.offset(), Some(2));
    let small = Config::new().with_limit(100);
    assert_eq!(small.from_slice::<Vec<()>>(b"100\n").unwrap().len(), 100);
    let err = small.from_slice::<Vec<()>>(b"101\n").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: 101,
            limit: 100
        }
    );
}

/// The byte limit covers the whole message, on slices and readers alike,
/// and the encoder refuses to write what the decoder would refuse.
#[test]
fn message_limit() {
    let cfg = Config::new().with_limit(8);
    assert_eq!(cfg.from_slice::<Vec<u8>>(b"3 1 2 3\n").unwrap(), [1, 2, 3]);
    let err = cfg.from_slice::<Vec<u8>>(b"4 1 2 3 4\n").unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::LengthOverLimit { len: 9, limit: 8 }, Some(8))
    );
    let err = cfg.from_slice::<String>(b"7:abcdefg\n").unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::LengthOverLimit { len: 7, limit: 6 }, Some(0))
    );
    // Exactly at the limit, the line end has no room left.
    let err = cfg.from_slice::<String>(b"6:abcdef\n").unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 9, limit: 8 });
    assert_eq!(cfg.from_slice::<String>(b"5:abcde\n").unwrap(), "abcde");

    // A reader stops at the limit: it is not drained further.
    let mut counted = Counted::new(io::repeat(b'1'));
    let err = Config::new()
        .with_limit(100)
        .from_reader::<_, String>(&mut counted)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NumberOutOfRange), "{err:?}");
    let mut spaces = Counted::new(io::Cursor::new(b"1000".to_vec()).chain(io::repeat(b' ')));
    let err = Config::new()
        .with_limit(6)
        .from_reader::<_, Vec<()>>(&mut spaces)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: 1000,
            limit: 6
        }
    );
    let mut ones = Counted::new(io::Cursor::new(b"9 ".to_vec()).chain(io::repeat(b'1')));
    let err = Config::new()
        .with_limit(64)
        .from_reader::<_, Vec<u64>>(&mut ones)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NumberOutOfRange), "{err:?}");
    assert!(ones.given <= 64);

    let err = cfg.to_vec(&vec![1u8, 2, 3, 4]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::LengthOverLimit { len: 10, limit: 8 }, None)
    );
    assert_eq!(cfg.encoded_len(&vec![1u8, 2, 3, 4]).unwrap(), 10);
    assert_eq!(cfg.encoded_len(&vec![1u8, 2, 3]).unwrap(), 8);
}

#[derive(Serialize, Deserialize, Debug)]
enum Tree {
    Leaf,
    Node(Box<Tree>),
}

/// A million nested tags stop at the depth limit, on a small stack.
#[test]
fn depth_limit_on_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(|| {
            let mut input = b"1 ".repeat(1_000_000);
            input.extend_from_slice(b"0\n");
            let err = ascii::from_slice::<Tree>(&input).unwrap_err();
            assert_eq!(
                (err.kind(), err.offset()),
                (&ErrorKind::DepthLimit(128), Some(258))
            );
            let err = ascii::from_reader::<_, Tree>(&input[..]).unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::DepthLimit(128));
            // Exactly at the limit is fine: 128 nested variant contents.
            let mut ok = b"1 ".repeat(128);
            ok.extend_from_slice(b"0\n");
            ascii::from_slice::<Tree>(&ok).unwrap();
        })
        .unwrap();
    handle.join().expect("no stack overflow");

    let cfg = Config::new().with_depth(2);
    assert!(cfg.from_slice::<Vec<Vec<u8>>>(b"1 1 1\n").is_ok());
    let err = cfg
        .from_slice::<Vec<Vec<Vec<u8>>>>(b"1 1 1 1\n")
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::DepthLimit(2), Some(4))
    );
    let err = cfg
        .from_slice::<Option<Option<Option<u8>>>>(b"+++1\n")
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::DepthLimit(2), Some(2))
    );
}

/// Types that need a self-describing format get a clear error.
#[test]
fn not_self_describing() {
    let err = ascii::from_slice::<serde_json::Value>(b"1\n").unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (
            &ErrorKind::NotSelfDescribing("decode a value of unknown type (deserialize_any)"),
            Some(0)
        )
    );
    let err = ascii::from_slice::<serde::de::IgnoredAny>(b"1\n").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::NotSelfDescribing("skip a value of unknown type (deserialize_ignored_any)")
    );
}

/// I/O errors keep their kind and the stream position.
#[test]
fn reader_errors() {
    // Three bytes, one per read, then the connection breaks.
    let failing = ScriptedReader::one_byte(b"777").fail_at_end(io::ErrorKind::ConnectionReset);
    let err: Error = ascii::from_reader::<_, u64>(failing).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::Io(io::ErrorKind::ConnectionReset), Some(3))
    );
    assert_eq!(
        err.io_error().map(|e| e.to_string()),
        Some("scripted".to_owned())
    );

    // Interrupted reads are retried.
    let v: (u8, String) = ascii::from_reader(ScriptedReader::interrupting(b"4 3:a b\n")).unwrap();
    assert_eq!(v, (4, "a b".to_owned()));

    let mut out = FailingWriter;
    let err = ascii::to_writer(&mut out, &1u8).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Io(io::ErrorKind::BrokenPipe));
}

struct FailingWriter;

impl io::Write for FailingWriter {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::ErrorKind::BrokenPipe.into())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A `Serialize` that declares one length and delivers another is refused.
#[test]
fn dishonest_sequence_length() {
    struct Liar;
    impl Serialize for Liar {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = s.serialize_seq(Some(3))?;
            seq.serialize_element(&1u8)?;
            seq.end()
        }
    }
    let err = ascii::to_vec(&Liar).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Custom(m) if m.contains("declared 3")),
        "{err:?}"
    );
}

/// Bytes that are not UTF-8 cannot become a `String`.
#[test]
fn to_string_needs_utf8() {
    let err = ascii::to_string(&(1u8, serde_bytes::Bytes::new(b"a\xff"))).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::InvalidUtf8, Some(5))
    );
}

/// Bytes drawn mostly from the format's own alphabet, so that random input
/// gets past the first token.
#[derive(Clone, Debug)]
struct Noise(Vec<u8>);

impl quickcheck::Arbitrary for Noise {
    fn arbitrary(g: &mut quickcheck::Gen) -> Self {
        const ALPHABET: &[u8] = b"0123456789 0 1 2 ~+-:\n\r.eNaif\xff\xc3";
        let len = usize::arbitrary(g) % 48;
        Noise(
            (0..len)
                .map(|_| {
                    if u8::arbitrary(g) % 8 == 0 {
                        u8::arbitrary(g)
                    } else {
                        *g.choose(ALPHABET).unwrap_or(&b'0')
                    }
                })
                .collect(),
        )
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        Box::new(self.0.shrink().map(Noise))
    }
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
enum Shape {
    Empty,
    Point(i32, Option<f32>),
    Named { name: String, tags: Vec<char> },
}

/// Checks the decoder's contract on one input: a value, or an error with an
/// offset inside the input, and the same outcome from a reader.
fn total<T: for<'de> Deserialize<'de> + std::fmt::Debug>(input: &[u8]) {
    let slice = ascii::from_slice::<T>(input);
    let reader = ascii::from_reader::<_, T>(ScriptedReader::one_byte(input));
    match (&slice, &reader) {
        (Ok(_), Ok(_)) => {}
        (Err(e), _) if e.kind() == &ErrorKind::TrailingBytes => {}
        (Err(a), Err(b)) => {
            assert_eq!((a.kind(), a.offset()), (b.kind(), b.offset()), "{input:?}");
            let offset = a.offset().expect("an offset");
            assert!(offset <= input.len() as u64, "{a:?} on {input:?}");
            if a.is_eof() {
                assert!(a.needed().is_some_and(|n| n > input.len() as u64), "{a:?}");
            }
        }
        _ => panic!("slice {slice:?} but reader {reader:?} on {input:?}"),
    }
}

/// Random input never panics, and slices and readers agree on it.
#[test]
fn random_input_gives_a_value_or_a_located_error() {
    fn prop(input: Noise) -> bool {
        let input = &input.0;
        total::<u64>(input);
        total::<(i8, bool)>(input);
        total::<f64>(input);
        total::<(char, String)>(input);
        total::<Option<Option<Vec<i64>>>>(input);
        total::<Vec<Shape>>(input);
        total::<BTreeMap<u16, Option<()>>>(input);
        total::<(Option<()>, u8, serde_bytes::ByteBuf)>(input);
        true
    }
    quickcheck::QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(Noise) -> bool);
}

/// Valid messages with one byte changed: still a value or a located error.
#[test]
fn mutated_messages() {
    fn prop(text: String, n: Vec<i64>, at: usize, byte: u8) -> bool {
        let value = (text, n, Some(1.5f32), 'x');
        let mut bytes = ascii::to_vec(&value).unwrap();
        let i = at % bytes.len();
        bytes[i] = byte;
        total::<(String, Vec<i64>, Option<f32>, char)>(&bytes);
        true
    }
    quickcheck::QuickCheck::new().quickcheck(prop as fn(String, Vec<i64>, usize, u8) -> bool);
}
