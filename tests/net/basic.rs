//! Exact bytes and round trips of the `net` format for hand-picked values.

use std::collections::BTreeMap;

use netwire::net::{self, Config, LengthWidth, TagWidth};
use netwire::{Encoding, ErrorKind};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug)]
enum Msg<'a> {
    Ping(u32),
    Chat { room: u16, text: &'a str },
    Bye,
}

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Unit;

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Meters(f64);

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
struct Pair(i8, u16);

fn round_trip<T>(value: &T, expected: &[u8])
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = net::to_vec(value).unwrap();
    assert_eq!(bytes, expected, "encoding of {value:?}");
    assert_eq!(net::encoded_len(value).unwrap(), bytes.len());
    assert_eq!(&net::from_slice::<T>(&bytes).unwrap(), value);
    assert_eq!(&net::from_reader::<_, T>(&bytes[..]).unwrap(), value);
    let mut tail = bytes.clone();
    tail.extend_from_slice(&[0xaa, 0xbb]);
    let (back, rest) = net::take_from_slice::<T>(&tail).unwrap();
    assert_eq!(&back, value);
    assert_eq!(rest, [0xaa, 0xbb]);
}

#[test]
fn issue_example_bytes() {
    let msg = Msg::Chat {
        room: 7,
        text: "hi",
    };
    let bytes = net::to_vec(&msg).unwrap();
    assert_eq!(bytes, [1, 0, 7, 0, 0, 0, 2, b'h', b'i']);
    let back: Msg = net::from_slice(&bytes).unwrap();
    assert_eq!(back, msg);
    let (first, rest) = net::take_from_slice::<Msg>(&bytes).unwrap();
    assert_eq!(first, msg);
    assert!(rest.is_empty());
    assert_eq!(net::encoded_len(&msg).unwrap(), 9);
    assert_eq!(
        net::to_vec(&Msg::Ping(0x01020304)).unwrap(),
        [0, 1, 2, 3, 4]
    );
    assert_eq!(net::to_vec(&Msg::Bye).unwrap(), [2]);
}

#[test]
fn primitives_are_big_endian() {
    round_trip(&true, &[1]);
    round_trip(&false, &[0]);
    round_trip(&0x12u8, &[0x12]);
    round_trip(&-2i8, &[0xfe]);
    round_trip(&0x1234u16, &[0x12, 0x34]);
    round_trip(&-2i16, &[0xff, 0xfe]);
    round_trip(&0x12345678u32, &[0x12, 0x34, 0x56, 0x78]);
    round_trip(&-1i32, &[0xff; 4]);
    round_trip(&0x0102030405060708u64, &[1, 2, 3, 4, 5, 6, 7, 8]);
    round_trip(&i64::MIN, &[0x80, 0, 0, 0, 0, 0, 0, 0]);
    round_trip(&1u128, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    round_trip(&-1i128, &[0xff; 16]);
    round_trip(&1.0f32, &[0x3f, 0x80, 0, 0]);
    round_trip(&-2.0f64, &[0xc0, 0, 0, 0, 0, 0, 0, 0]);
    round_trip(&'A', b"A");
    round_trip(&'é', &[0xc3, 0xa9]);
    round_trip(&'€', &[0xe2, 0x82, 0xac]);
    round_trip(&'😀', &[0xf0, 0x9f, 0x98, 0x80]);
}

#[test]
fn compound_values() {
    round_trip(&(), &[]);
    round_trip(&Unit, &[]);
    round_trip(&Meters(1.0), &[0x3f, 0xf0, 0, 0, 0, 0, 0, 0]);
    round_trip(&Pair(-1, 2), &[0xff, 0, 2]);
    round_trip(&Some(3u8), &[1, 3]);
    round_trip(&None::<u8>, &[0]);
    round_trip(&Some(Some(())), &[1, 1]);
    round_trip(&"hé".to_string(), &[0, 0, 0, 3, b'h', 0xc3, 0xa9]);
    round_trip(&vec![1u16, 2], &[0, 0, 0, 2, 0, 1, 0, 2]);
    round_trip(&[7u8, 8, 9], &[7, 8, 9]);
    round_trip(&(1u8, 2u16, 'x'), &[1, 0, 2, b'x']);
    let map: BTreeMap<u8, bool> = [(1, true), (2, false)].into_iter().collect();
    round_trip(&map, &[0, 0, 0, 2, 1, 1, 2, 0]);
    round_trip(&serde_bytes::ByteBuf::from(vec![1, 2]), &[0, 0, 0, 2, 1, 2]);
}

#[test]
fn borrowed_strings_and_bytes_point_into_the_input() {
    let input = [0, 0, 0, 2, b'o', b'k', 0, 0, 0, 1, 9];
    let (s, b): (&str, &[u8]) = net::from_slice(&input).unwrap();
    assert_eq!(s, "ok");
    assert_eq!(b, [9]);
    assert!(std::ptr::eq(s.as_ptr(), &input[4]));
    assert!(std::ptr::eq(b.as_ptr(), &input[10]));
}

#[test]
fn config_widths_change_prefixes_and_tags() {
    let cfg = Config::new()
        .with_length_width(LengthWidth::U8)
        .with_tag_width(TagWidth::U16);
    assert_eq!(cfg.to_vec(&"ab").unwrap(), [2, b'a', b'b']);
    assert_eq!(cfg.to_vec(&Msg::Ping(1)).unwrap(), [0, 0, 0, 0, 0, 1]);
    let back: Msg = cfg.from_slice(&[0, 2]).unwrap();
    assert_eq!(back, Msg::Bye);

    let legacy = Config::bincode_legacy();
    assert_eq!(legacy.to_vec(&Msg::Bye).unwrap(), [0, 0, 0, 2], "u32 tags");
    assert_eq!(
        legacy.to_vec(&vec![5u8]).unwrap(),
        [0, 0, 0, 0, 0, 0, 0, 1, 5]
    );
    assert_eq!(Config::default(), Config::new());
}

#[test]
fn unknown_length_sequences_are_backpatched() {
    struct Unsized(Vec<u16>);
    impl Serialize for Unsized {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = s.serialize_seq(None)?;
            for v in &self.0 {
                seq.serialize_element(v)?;
            }
            seq.end()
        }
    }
    let v = Unsized(vec![1, 2, 3]);
    assert_eq!(net::to_vec(&v).unwrap(), [0, 0, 0, 3, 0, 1, 0, 2, 0, 3]);
    assert_eq!(net::encoded_len(&v).unwrap(), 10);
    let u8_len = Config::new().with_length_width(LengthWidth::U8);
    let long = Unsized(vec![0; 256]);
    let err = u8_len.to_vec(&long).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverflow { len: 256, max: 255 }
    );
}

#[test]
fn writer_and_encoding_trait() {
    let mut out = Vec::new();
    net::to_writer(&mut out, &Msg::Ping(2)).unwrap();
    assert_eq!(out, [0, 0, 0, 0, 2]);

    let cfg = Config::new();
    let mut buf = vec![0xee];
    cfg.encode_into(&Msg::Bye, &mut buf).unwrap();
    assert_eq!(buf, [0xee, 2]);
    let (msg, used) = cfg.decode_prefix::<Msg>(&[2, 9]).unwrap();
    assert_eq!((msg, used), (Msg::Bye, 1));
    assert_eq!(cfg.decode::<Msg>(&[2]).unwrap(), Msg::Bye);
    assert_eq!(Encoding::limit(&cfg), 1 << 24);
}

#[test]
fn from_reader_leaves_the_next_message() {
    let mut stream = Vec::new();
    for i in 0..3u32 {
        net::to_writer(&mut stream, &(i, format!("m{i}"))).unwrap();
    }
    let mut reader = &stream[..];
    for i in 0..3u32 {
        let (n, s): (u32, String) = net::from_reader(&mut reader).unwrap();
        assert_eq!((n, s), (i, format!("m{i}")));
    }
    assert!(reader.is_empty());
}

#[test]
fn encoding_trait_prefix_decoding_asks_for_more() {
    let cfg = Config::new();
    let err = cfg
        .decode_prefix::<Msg>(&[1, 0, 7, 0, 0, 0, 2, b'h'])
        .unwrap_err();
    assert!(err.is_eof());
    assert_eq!((err.offset(), err.needed()), (Some(3), Some(9)));
    let (msg, used) = cfg
        .decode_prefix::<Msg>(&[1, 0, 7, 0, 0, 0, 2, b'h', b'i', 0])
        .unwrap();
    assert_eq!(
        (msg, used),
        (
            Msg::Chat {
                room: 7,
                text: "hi"
            },
            9
        )
    );
    let err = cfg.decode::<Msg>(&[2, 2]).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::TrailingBytes);
}

#[test]
fn presets_are_constants() {
    const SMALL: Config = Config::new()
        .with_length_width(LengthWidth::U16)
        .with_tag_width(TagWidth::U8)
        .with_limit(512)
        .with_depth(8);
    assert_eq!(SMALL.length_width(), LengthWidth::U16);
    assert_eq!(SMALL.tag_width(), TagWidth::U8);
    assert_eq!((SMALL.limit(), SMALL.depth()), (512, 8));
    const LEGACY: Config = Config::bincode_legacy();
    assert_eq!(
        (LEGACY.length_width(), LEGACY.tag_width()),
        (LengthWidth::U64, TagWidth::U32)
    );
    assert_eq!(
        (LEGACY.limit(), LEGACY.depth()),
        (Config::DEFAULT_LIMIT, Config::DEFAULT_DEPTH)
    );
}

#[test]
fn every_length_width_round_trips_at_its_maximum() {
    for (width, max) in [(LengthWidth::U8, 255usize), (LengthWidth::U16, 65535)] {
        let cfg = Config::new().with_length_width(width);
        let s = "x".repeat(max);
        let bytes = cfg.to_vec(&s).unwrap();
        assert_eq!(bytes.len(), width.size() + max);
        assert_eq!(cfg.from_slice::<String>(&bytes).unwrap(), s);
        let err = cfg.to_vec(&"x".repeat(max + 1)).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::LengthOverflow {
                len: max as u64 + 1,
                max: max as u64
            }
        );
    }
}
