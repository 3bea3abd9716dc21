//! The field adapters of `netwire::with` and per-enum tag tables: exact
//! bytes, errors with their offsets, and round trips through every entry
//! point (slice, reader, framed stream one byte per read).

use std::collections::BTreeMap;

use crate::support::io::ScriptedReader;
use netwire::frame::LengthPrefixed;
use netwire::message::SelfDelimited;
use netwire::net::{self, Config, EnumTags, TagTable, TagWidth};
use netwire::stream::{MessageReader, MessageWriter};
use netwire::with::Padded;
use netwire::{ErrorKind, ascii};
use quickcheck::{Arbitrary, Gen, QuickCheck};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Widths {
    #[serde(with = "netwire::with::len_u8")]
    a: String,
    #[serde(with = "netwire::with::len_u16")]
    b: Vec<u16>,
    #[serde(with = "netwire::with::len_u64")]
    c: serde_bytes::ByteBuf,
    #[serde(with = "netwire::with::len_i16")]
    d: String,
    #[serde(with = "netwire::with::len_i32")]
    e: BTreeMap<u8, bool>,
    #[serde(with = "netwire::with::len_u32")]
    f: Vec<String>,
}

#[test]
fn per_field_widths_write_each_prefix_in_its_own_width() {
    let v = Widths {
        a: "hi".into(),
        b: vec![7],
        c: serde_bytes::ByteBuf::from(vec![9]),
        d: "x".into(),
        e: BTreeMap::from([(1, true)]),
        f: vec!["z".into()],
    };
    // The config's own u8 width does not change the adapted fields.
    let config = Config::new().with_length_width(net::LengthWidth::U8);
    let bytes = config.to_vec(&v).unwrap();
    #[rustfmt::skip]
    assert_eq!(bytes, [
        2, b'h', b'i',
        0, 1, 0, 7,
        0, 0, 0, 0, 0, 0, 0, 1, 9,
        0, 1, b'x',
        0, 0, 0, 1, 1, 1,
        0, 0, 0, 1, /* the element's own prefix, config width */ 1, b'z',
    ]);
    assert_eq!(config.from_slice::<Widths>(&bytes).unwrap(), v);
    assert_eq!(config.from_reader::<_, Widths>(&bytes[..]).unwrap(), v);
    assert_eq!(config.encoded_len(&v).unwrap(), bytes.len());
}

#[test]
fn a_length_too_wide_for_its_adapter_is_an_encode_error() {
    #[derive(Serialize)]
    struct S(#[serde(with = "netwire::with::len_u8")] String);
    let err = net::to_vec(&S("x".repeat(256))).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverflow { len: 256, max: 255 }
    );
    #[derive(Serialize)]
    struct T(#[serde(with = "netwire::with::len_i16")] Vec<u8>);
    let err = net::to_vec(&T(vec![0; 32_768])).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverflow {
            len: 32_768,
            max: 32_767
        }
    );
}

#[test]
fn a_negative_signed_length_is_an_error_at_its_field() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct S(u8, #[serde(with = "netwire::with::len_i16")] String);
    let err = net::from_slice::<S>(&[1, 0xff, 0xfe]).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NegativeLength(-2));
    assert_eq!(err.offset(), Some(1));
    let err = net::from_slice::<S>(&[1, 0xff, 0xff]).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NegativeLength(-1));
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Nullable {
    #[serde(with = "netwire::with::nullable_i16")]
    name: Option<String>,
    #[serde(with = "netwire::with::nullable_i32")]
    data: Option<Vec<u32>>,
}

#[test]
fn nullable_fields_spell_none_as_minus_one() {
    let none = Nullable {
        name: None,
        data: None,
    };
    assert_eq!(
        net::to_vec(&none).unwrap(),
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    );
    let some = Nullable {
        name: Some(String::new()),
        data: Some(vec![5]),
    };
    let bytes = net::to_vec(&some).unwrap();
    assert_eq!(bytes, [0, 0, 0, 0, 0, 1, 0, 0, 0, 5]);
    for v in [none, some] {
        let bytes = net::to_vec(&v).unwrap();
        assert_eq!(net::from_slice::<Nullable>(&bytes).unwrap(), v);
        assert_eq!(net::from_reader::<_, Nullable>(&bytes[..]).unwrap(), v);
    }
    let err = net::from_slice::<Nullable>(&[0xff, 0xfe]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::NegativeLength(-2), Some(0))
    );
}

#[test]
fn c_strings_end_at_their_nul() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Pair<'a> {
        #[serde(with = "netwire::with::cstr", borrow)]
        key: &'a str,
        #[serde(with = "netwire::with::cstr")]
        value: String,
    }
    let bytes = net::to_vec(&Pair {
        key: "user",
        value: "ann".into(),
    })
    .unwrap();
    assert_eq!(bytes, b"user\0ann\0");
    let back: Pair = net::from_slice(&bytes).unwrap();
    assert_eq!((back.key, back.value.as_str()), ("user", "ann"));
    // An embedded NUL cannot be written; the offset is inside the string.
    let err = net::to_vec(&Pair {
        key: "us\0er",
        value: String::new(),
    })
    .unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::InvalidCString, Some(2))
    );
    // A missing terminator needs more input, from the string's start.
    let err = net::from_slice::<Pair>(b"user\0an").unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::UnexpectedEnd, Some(5))
    );
    assert!(err.is_eof());
    // From a reader, byte by byte.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Owned(
        #[serde(with = "netwire::with::cstr")] String,
        #[serde(with = "netwire::with::cstr")] String,
    );
    let got: Owned = net::from_reader(&bytes[..]).unwrap();
    assert_eq!(got, Owned("user".into(), "ann".into()));
    let err = net::from_reader::<_, Owned>(&b"user\0an"[..]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::UnexpectedEnd, Some(5))
    );
    // A limit bounds a terminator that never comes.
    let err = Config::new()
        .with_limit(4)
        .from_reader::<_, Owned>(&b"xxxxxxxx"[..])
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::LengthOverLimit { .. }),
        "{err:?}"
    );
}

#[test]
fn padded_fields_are_exactly_their_size() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Iface {
        name: Padded<8>,
        mtu: u16,
    }
    let v = Iface {
        name: Padded::new("eth0").unwrap(),
        mtu: 1500,
    };
    let bytes = net::to_vec(&v).unwrap();
    assert_eq!(bytes, b"eth0\0\0\0\0\x05\xdc");
    assert_eq!(net::from_slice::<Iface>(&bytes).unwrap(), v);
    assert_eq!(net::from_reader::<_, Iface>(&bytes[..]).unwrap(), v);
    // All 8 bytes used: no terminator.
    let full = net::from_slice::<Padded<4>>(b"abcd").unwrap();
    assert_eq!(full.as_str(), "abcd");
    // Bytes after the terminator must be 0.
    assert!(net::from_slice::<Padded<4>>(b"ab\0x").is_err());
    assert!(net::from_slice::<Padded<4>>(b"ab\0").unwrap_err().is_eof());
    // Too long, or a NUL inside, cannot be built.
    assert_eq!(
        Padded::<2>::new("abc").unwrap_err().kind(),
        &ErrorKind::LengthOverflow { len: 3, max: 2 }
    );
    assert_eq!(
        Padded::<8>::new("a\0b").unwrap_err().kind(),
        &ErrorKind::InvalidCString
    );
    // ascii writes the N bytes as numbers.
    assert_eq!(
        ascii::to_vec(&Padded::<3>::new("a").unwrap()).unwrap(),
        b"97 0 0\n"
    );
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Tail {
    kind: u8,
    #[serde(with = "netwire::with::rest")]
    words: Vec<u32>,
}

#[test]
fn rest_runs_to_the_end_of_a_known_message_only() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Blob<'a>(u16, #[serde(with = "netwire::with::rest", borrow)] &'a [u8]);
    let bytes = net::to_vec(&Blob(1, b"data")).unwrap();
    assert_eq!(bytes, b"\0\x01data");
    assert_eq!(net::from_slice::<Blob>(&bytes).unwrap(), Blob(1, b"data"));
    assert_eq!(net::from_slice::<Blob>(b"\0\x01").unwrap(), Blob(1, b""));

    let v = Tail {
        kind: 3,
        words: vec![1, 2],
    };
    let bytes = net::to_vec(&v).unwrap();
    assert_eq!(bytes, [3, 0, 0, 0, 1, 0, 0, 0, 2]);
    assert_eq!(net::from_slice::<Tail>(&bytes).unwrap(), v);
    // A partial element at the end.
    let err = net::from_slice::<Tail>(&bytes[..7]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::UnexpectedEnd, Some(5))
    );
    // Where the end is not known, it is refused, not read greedily.
    for err in [
        net::take_from_slice::<Tail>(&bytes).unwrap_err(),
        net::from_reader::<_, Tail>(&bytes[..]).unwrap_err(),
        MessageReader::new(&bytes[..], SelfDelimited::retrying())
            .read::<Tail>()
            .unwrap_err(),
    ] {
        assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err:?}");
        assert!(err.to_string().contains("from_slice"), "{err}");
    }
    // A framed stream knows the end.
    let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u16());
    tx.write(&v).unwrap();
    tx.write(&Tail {
        kind: 0,
        words: vec![],
    })
    .unwrap();
    let wire = tx.into_inner();
    assert_eq!(&wire[..2], [0, 9]);
    let mut rx = MessageReader::new(&wire[..], LengthPrefixed::u16());
    assert_eq!(rx.read::<Tail>().unwrap(), Some(v));
    assert_eq!(rx.read::<Tail>().unwrap().unwrap().words, Vec::<u32>::new());
    // Over the limit, the rest is not cut short silently.
    let err = Config::new()
        .with_limit(4)
        .from_slice::<Tail>(&bytes)
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::LengthOverLimit { .. }),
        "{err:?}"
    );
}

#[test]
fn sequences_of_nothing_cannot_run_to_an_end() {
    #[derive(Serialize, Deserialize, Debug)]
    struct Units(#[serde(with = "netwire::with::rest")] Vec<()>);
    assert!(net::to_vec(&Units(vec![(); 3])).is_err());
    let err = net::from_slice::<Units>(&[1]).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::EmptyMessage);
    #[derive(Serialize, Deserialize, Debug)]
    struct Ended(#[serde(with = "netwire::with::nul_terminated")] Vec<()>);
    assert!(net::to_vec(&Ended(vec![()])).is_err());
    assert_eq!(net::to_vec(&Ended(vec![])).unwrap(), [0]);
    assert_eq!(
        net::from_slice::<Ended>(&[1]).unwrap_err().kind(),
        &ErrorKind::EmptyMessage
    );
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Startup {
    version: u32,
    #[serde(with = "netwire::with::nul_terminated")]
    params: Vec<Param>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Param(
    #[serde(with = "netwire::with::cstr")] String,
    #[serde(with = "netwire::with::cstr")] String,
);

#[test]
fn terminated_sequences_end_at_a_zero_byte() {
    // PostgreSQL's StartupMessage body: C-string pairs, then a 0 byte.
    let v = Startup {
        version: 196_608,
        params: vec![
            Param("user".into(), "ann".into()),
            Param("database".into(), "db".into()),
        ],
    };
    let bytes = net::to_vec(&v).unwrap();
    assert_eq!(bytes, b"\0\x03\0\0user\0ann\0database\0db\0\0");
    assert_eq!(net::from_slice::<Startup>(&bytes).unwrap(), v);
    assert_eq!(net::take_from_slice::<Startup>(&bytes).unwrap().0, v);
    assert_eq!(net::from_reader::<_, Startup>(&bytes[..]).unwrap(), v);
    assert_eq!(net::Config::new().encoded_len(&v).unwrap(), bytes.len());
    // An element that would start with the terminator cannot be written.
    let bad = Startup {
        version: 0,
        params: vec![Param(String::new(), "x".into())],
    };
    assert!(matches!(
        net::to_vec(&bad).unwrap_err().kind(),
        ErrorKind::Unsupported(_)
    ));
    // No terminator: more input needed.
    let err = net::from_slice::<Startup>(&bytes[..bytes.len() - 1]).unwrap_err();
    assert!(err.is_eof(), "{err:?}");
    // Self-delimited streams can find its end.
    let mut tx = MessageWriter::new(Vec::new(), SelfDelimited::retrying());
    tx.write(&v).unwrap();
    tx.write(&v).unwrap();
    let wire = tx.into_inner();
    let reader = ScriptedReader::new(wire, []).tail_chunk(1);
    let mut rx = MessageReader::new(reader, SelfDelimited::retrying());
    assert_eq!(rx.read::<Startup>().unwrap().as_ref(), Some(&v));
    assert_eq!(rx.read::<Startup>().unwrap().as_ref(), Some(&v));
    assert_eq!(rx.read::<Startup>().unwrap(), None);
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone, Copy)]
enum Op {
    Query,
    Sync,
    Terminate,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Opcode {
    Read(u8),
    Write { at: u16 },
    Stop,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Envelope {
    seq: u8,
    op: Op,
    code: Opcode,
}

const TAGGED: Config<TagTable> = Config::new().with_enum_tags(&[
    // ASCII letters, as in PostgreSQL.
    EnumTags::bytes::<Op>(b"QSX"),
    // Sparse u16 codes while the default tag is a u8.
    EnumTags::of::<Opcode>(TagWidth::U16, &[0x10, 0x20, 0xff]),
]);

#[test]
fn enum_tags_come_from_the_table_of_the_enum_anywhere_in_a_message() {
    assert_eq!(TAGGED.to_vec(&Op::Sync).unwrap(), b"S");
    assert_eq!(TAGGED.from_slice::<Op>(b"X").unwrap(), Op::Terminate);
    let v = Envelope {
        seq: 1,
        op: Op::Query,
        code: Opcode::Write { at: 9 },
    };
    let bytes = TAGGED.to_vec(&v).unwrap();
    assert_eq!(bytes, [1, b'Q', 0, 0x20, 0, 9]);
    assert_eq!(TAGGED.from_slice::<Envelope>(&bytes).unwrap(), v);
    assert_eq!(TAGGED.from_reader::<_, Envelope>(&bytes[..]).unwrap(), v);
    assert_eq!(TAGGED.to_vec(&Opcode::Stop).unwrap(), [0, 0xff]);
    // An unknown tag: the tag read and its offset.
    let err = TAGGED
        .from_slice::<Envelope>(&[1, b'Z', 0, 0x20, 0, 9])
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (
            &ErrorKind::TagOutOfRange {
                tag: b'Z' as u64,
                variants: 3
            },
            Some(1)
        )
    );
    let err = TAGGED.from_slice::<Opcode>(&[0, 0x11]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (
            &ErrorKind::TagOutOfRange {
                tag: 0x11,
                variants: 3
            },
            Some(0)
        )
    );
    // Without the table the same types use their indices.
    assert_eq!(net::to_vec(&v).unwrap(), [1, 0, 1, 0, 9]);
}

#[test]
fn an_adapter_on_a_field_it_cannot_start_is_an_error_both_ways() {
    #[derive(Serialize, Deserialize, Debug)]
    struct OnNumber(#[serde(with = "netwire::with::len_u16")] u32);
    #[derive(Serialize, Deserialize, Debug)]
    struct OnTuple(#[serde(with = "netwire::with::len_u16")] (u8, String));
    #[derive(Serialize, Deserialize, Debug)]
    struct CstrOnSeq(#[serde(with = "netwire::with::cstr")] Vec<u8>);
    for err in [
        net::to_vec(&OnNumber(1)).unwrap_err(),
        net::to_vec(&OnTuple((1, "a".into()))).unwrap_err(),
        net::to_vec(&CstrOnSeq(vec![1])).unwrap_err(),
        net::from_slice::<OnNumber>(&[0, 0, 0, 1]).unwrap_err(),
        net::from_slice::<OnTuple>(&[1, 0, 1, b'a']).unwrap_err(),
        net::from_slice::<CstrOnSeq>(&[0, 0, 0, 1, 1]).unwrap_err(),
    ] {
        assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err:?}");
    }
}

#[test]
fn empty_as_none_tells_a_keep_alive_from_a_message() {
    #[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
    struct Frame(#[serde(with = "netwire::with::empty_as_none")] Option<(u8, u32)>);
    let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u32());
    for f in [Frame(None), Frame(Some((4, 7))), Frame(None)] {
        tx.write(&f).unwrap();
    }
    let wire = tx.into_inner();
    assert_eq!(wire, [0, 0, 0, 0, 0, 0, 0, 5, 4, 0, 0, 0, 7, 0, 0, 0, 0]);
    let reader = ScriptedReader::new(wire, []).tail_chunk(1);
    let mut rx = MessageReader::new(reader, LengthPrefixed::u32());
    let got: Vec<Frame> = rx.messages().collect::<netwire::Result<_>>().unwrap();
    assert_eq!(got, [Frame(None), Frame(Some((4, 7))), Frame(None)]);
    assert!(matches!(
        net::from_reader::<_, Frame>(&[][..]).unwrap_err().kind(),
        ErrorKind::Unsupported(_)
    ));
}

/// Every adapter in one message, for the properties below.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct All {
    widths: Widths,
    nullable: Nullable,
    #[serde(with = "netwire::with::cstr")]
    host: String,
    name: Padded<6>,
    startup: Startup,
    op: Op,
    code: Opcode,
    #[serde(with = "netwire::with::rest")]
    tail: Vec<u32>,
}

fn text(g: &mut Gen, max: usize) -> String {
    let len = usize::arbitrary(g) % (max + 1);
    (0..len)
        .map(|_| char::from(b'a' + u8::arbitrary(g) % 26))
        .collect()
}

impl Arbitrary for All {
    fn arbitrary(g: &mut Gen) -> Self {
        let small = |g: &mut Gen| usize::arbitrary(g) % 4;
        All {
            widths: Widths {
                a: text(g, 20),
                b: (0..small(g)).map(|_| u16::arbitrary(g)).collect(),
                c: serde_bytes::ByteBuf::from(Vec::<u8>::arbitrary(g)),
                d: text(g, 5),
                e: BTreeMap::arbitrary(g),
                f: (0..small(g)).map(|_| text(g, 3)).collect(),
            },
            nullable: Nullable {
                name: bool::arbitrary(g).then(|| text(g, 4)),
                data: Option::arbitrary(g),
            },
            host: text(g, 10),
            name: Padded::new(text(g, 6)).unwrap(),
            startup: Startup {
                version: u32::arbitrary(g),
                params: (0..small(g))
                    .map(|_| Param(format!("k{}", text(g, 3)), text(g, 3)))
                    .collect(),
            },
            op: *g.choose(&[Op::Query, Op::Sync, Op::Terminate]).unwrap(),
            code: match u8::arbitrary(g) % 3 {
                0 => Opcode::Read(u8::arbitrary(g)),
                1 => Opcode::Write {
                    at: u16::arbitrary(g),
                },
                _ => Opcode::Stop,
            },
            tail: Vec::arbitrary(g),
        }
    }
}

#[test]
fn every_adapter_round_trips_through_slices_frames_and_one_byte_reads() {
    fn prop(values: Vec<All>) -> bool {
        let config = TAGGED;
        let mut tx = MessageWriter::with_encoding(Vec::new(), LengthPrefixed::u32(), config);
        for v in &values {
            let bytes = config.to_vec(v).unwrap();
            assert_eq!(config.encoded_len(v).unwrap(), bytes.len());
            assert_eq!(&config.from_slice::<All>(&bytes).unwrap(), v);
            tx.write(v).unwrap();
        }
        let wire = tx.into_inner();
        let reader = ScriptedReader::new(wire, []).tail_chunk(1);
        let mut rx = MessageReader::with_encoding(reader, LengthPrefixed::u32(), config);
        let got: Vec<All> = rx.messages().collect::<netwire::Result<_>>().unwrap();
        got == values
    }
    QuickCheck::new()
        .tests(50)
        .quickcheck(prop as fn(Vec<All>) -> bool);
}

#[test]
fn every_truncation_of_an_adapted_message_needs_more_bytes() {
    // Without the rest field, no strict prefix is a message.
    #[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
    struct NoTail(
        Widths,
        Nullable,
        #[serde(with = "netwire::with::cstr")] String,
        Padded<6>,
        Startup,
        Op,
        Opcode,
    );
    fn prop(v: All) -> bool {
        let v = NoTail(
            v.widths, v.nullable, v.host, v.name, v.startup, v.op, v.code,
        );
        let bytes = TAGGED.to_vec(&v).unwrap();
        assert_eq!(TAGGED.from_reader::<_, NoTail>(&bytes[..]).unwrap(), v);
        (0..bytes.len()).all(|cut| {
            let whole = TAGGED.from_slice::<NoTail>(&bytes[..cut]).unwrap_err();
            let read = TAGGED.from_reader::<_, NoTail>(&bytes[..cut]).unwrap_err();
            whole.is_eof() && read.is_eof() && whole.offset() == read.offset()
        })
    }
    QuickCheck::new()
        .tests(100)
        .quickcheck(prop as fn(All) -> bool);
}

#[test]
fn ascii_writes_adapted_fields_as_plain_ones() {
    fn prop(v: All) -> bool {
        let line = ascii::to_vec(&v).unwrap();
        ascii::from_slice::<All>(&line).unwrap() == v
    }
    QuickCheck::new()
        .tests(100)
        .quickcheck(prop as fn(All) -> bool);
    #[derive(Serialize)]
    struct S(
        #[serde(with = "netwire::with::cstr")] String,
        #[serde(with = "netwire::with::len_u8")] Vec<u8>,
    );
    assert_eq!(
        ascii::to_vec(&S("a\0b".into(), vec![1])).unwrap(),
        b"3:a\0b 1 1\n"
    );
}

#[test]
fn every_output_refuses_a_terminated_element_that_starts_with_zero() {
    let bad = Startup {
        version: 0,
        params: vec![Param(String::new(), "x".into())],
    };
    let mut buf = [0u8; 64];
    let mut bytes = bytes::BytesMut::new();
    for err in [
        net::to_vec(&bad).unwrap_err(),
        net::to_slice(&bad, &mut buf).unwrap_err(),
        net::to_buf_mut(&bad, &mut bytes).unwrap_err(),
        Config::new().encoded_len(&bad).unwrap_err(),
    ] {
        assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err:?}");
    }
}
