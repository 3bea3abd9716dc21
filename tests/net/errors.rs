//! Each error kind of the `net` format, with its exact byte offset, through
//! both the slice and the reader decoder; hostile inputs.

use std::fmt::Debug;
use std::io;
use std::num::NonZeroU8;

use crate::support::io::ScriptedReader;
use netwire::net::{self, Config, LengthWidth, TagWidth};
use netwire::{Error, ErrorKind};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Decodes `input` with `from_slice` and `from_reader` and checks both fail
/// with `kind` at `offset`.
fn fails<T: DeserializeOwned + Debug>(cfg: Config, input: &[u8], kind: ErrorKind, offset: u64) {
    let slice = cfg.from_slice::<T>(input).unwrap_err();
    assert_eq!(
        (slice.kind(), slice.offset()),
        (&kind, Some(offset)),
        "from_slice: {slice}"
    );
    let reader = cfg.from_reader::<_, T>(input).unwrap_err();
    assert_eq!(
        (reader.kind(), reader.offset()),
        (&kind, Some(offset)),
        "from_reader: {reader}"
    );
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Abc {
    A,
    B(u8),
    C { x: u16 },
}

#[test]
fn invalid_bool() {
    fails::<(u8, bool)>(Config::new(), &[7, 2], ErrorKind::InvalidBool(2), 1);
    fails::<bool>(Config::new(), &[0xff], ErrorKind::InvalidBool(0xff), 0);
}

#[test]
fn invalid_option() {
    fails::<(u16, Option<u8>)>(Config::new(), &[0, 0, 2, 9], ErrorKind::InvalidOption(2), 2);
}

#[test]
fn invalid_char() {
    // Not a leading byte, a surrogate, a value above U+10FFFF, an overlong form.
    fails::<(u8, char)>(Config::new(), &[0, 0x80], ErrorKind::InvalidChar, 1);
    fails::<(u8, char)>(
        Config::new(),
        &[0, 0xed, 0xa0, 0x80],
        ErrorKind::InvalidChar,
        1,
    );
    fails::<(u8, char)>(
        Config::new(),
        &[0, 0xf4, 0x90, 0x80, 0x80],
        ErrorKind::InvalidChar,
        1,
    );
    fails::<char>(Config::new(), &[0xc0, 0x80], ErrorKind::InvalidChar, 0);
    fails::<char>(
        Config::new(),
        &[0xe2, 0x28, 0xa1],
        ErrorKind::InvalidChar,
        0,
    );
}

#[test]
fn invalid_utf8_points_at_the_string() {
    let input = [1, 0, 0, 0, 3, b'a', 0xff, b'b'];
    fails::<(u8, String)>(Config::new(), &input, ErrorKind::InvalidUtf8, 1);
    let err = net::from_slice::<(u8, &str)>(&input).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::InvalidUtf8, Some(1))
    );
}

#[test]
fn tag_out_of_range() {
    fails::<Abc>(
        Config::new(),
        &[3],
        ErrorKind::TagOutOfRange {
            tag: 3,
            variants: 3,
        },
        0,
    );
    fails::<(u8, Abc)>(
        Config::bincode_legacy(),
        &[9, 0, 0, 1, 0],
        ErrorKind::TagOutOfRange {
            tag: 256,
            variants: 3,
        },
        1,
    );
    fails::<Option<Abc>>(
        Config::new(),
        &[1, 0xff],
        ErrorKind::TagOutOfRange {
            tag: 255,
            variants: 3,
        },
        1,
    );
}

#[test]
fn unexpected_end_has_the_item_offset_and_exact_need() {
    for (input, offset, needed) in [
        (&[][..], 0, 2),
        (&[0, 1, 0, 0][..], 2, 6),
        (&[0, 1, 0, 0, 0, 9, b'x'][..], 2, 15),
    ] {
        for err in [
            net::from_slice::<(u16, String)>(input).unwrap_err(),
            net::from_reader::<_, (u16, String)>(input).unwrap_err(),
        ] {
            assert!(err.is_eof(), "{err:?}");
            assert_eq!((err.offset(), err.needed()), (Some(offset), Some(needed)));
        }
    }
}

#[test]
fn trailing_bytes() {
    let err = net::from_slice::<(u8, u8)>(&[1, 2, 3, 4]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::TrailingBytes, Some(2))
    );
    let (v, rest) = net::take_from_slice::<(u8, u8)>(&[1, 2, 3, 4]).unwrap();
    assert_eq!((v, rest), ((1, 2), &[3u8, 4][..]));
}

#[test]
fn custom_errors_get_the_offset_of_the_value() {
    let err = net::from_slice::<(u8, NonZeroU8)>(&[1, 0]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Custom(_)), "{err:?}");
    assert_eq!(err.offset(), Some(1));
    let err = net::from_reader::<_, (u8, NonZeroU8)>(&[1u8, 0][..]).unwrap_err();
    assert_eq!(err.offset(), Some(1));
}

#[test]
fn errors_after_a_value_was_read_point_at_the_enclosing_value() {
    #[derive(Deserialize, Debug)]
    #[serde(try_from = "u8")]
    struct Even(#[allow(dead_code)] u8);
    impl TryFrom<u8> for Even {
        type Error = String;
        fn try_from(v: u8) -> Result<Self, String> {
            if v % 2 == 0 {
                Ok(Even(v))
            } else {
                Err(format!("{v} is odd"))
            }
        }
    }
    // Inside a tuple: the tuple's offset. As the whole message: offset 0.
    let err = net::from_slice::<(u16, (u8, Even))>(&[0, 0, 1, 3]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::Custom("3 is odd".into()), Some(2))
    );
    let err = net::from_reader::<_, Even>(&[3u8][..]).unwrap_err();
    assert_eq!(err.offset(), Some(0));
    assert_eq!(err.to_string(), "3 is odd at byte offset 0");
}

#[test]
fn not_self_describing() {
    let bytes = net::to_vec(&(1u8, "x")).unwrap();
    let err = net::from_slice::<serde_json::Value>(&bytes).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::NotSelfDescribing(_)),
        "{err:?}"
    );
    assert_eq!(err.offset(), Some(0));
    assert!(err.to_string().contains("not self-describing"), "{err}");

    #[derive(Deserialize, Debug)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Untagged {
        A(u8),
    }
    let err = net::from_slice::<Untagged>(&[1]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::NotSelfDescribing(_)),
        "{err:?}"
    );

    let err = net::from_slice::<(u8, serde::de::IgnoredAny)>(&[1, 2]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (
            &ErrorKind::NotSelfDescribing("skip a value of unknown type (deserialize_ignored_any)"),
            Some(1)
        )
    );

    struct Ident;
    impl<'de> Deserialize<'de> for Ident {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_identifier(serde::de::IgnoredAny)
                .map(|_| Ident)
        }
    }
    let err = net::from_slice::<Ident>(&[0]).err().unwrap();
    assert!(
        matches!(err.kind(), ErrorKind::NotSelfDescribing(_)),
        "{err:?}"
    );
}

#[test]
fn every_derive_shape_decodes() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Named {
        a: u8,
        #[serde(skip)]
        skipped: u32,
        b: Abc,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Tuple(u8, #[serde(skip)] u8, u16);
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Empty {}
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    enum Renamed {
        #[serde(rename = "zero")]
        Zero,
        One(Empty),
    }
    let v = (
        Named {
            a: 1,
            skipped: 0,
            b: Abc::C { x: 2 },
        },
        Tuple(3, 0, 4),
        Empty {},
        Renamed::One(Empty {}),
        Renamed::Zero,
    );
    let bytes = net::to_vec(&v).unwrap();
    assert_eq!(bytes, [1, 2, 0, 2, 3, 0, 4, 1, 0]);
    assert_eq!(
        net::from_slice::<(Named, Tuple, Empty, Renamed, Renamed)>(&bytes).unwrap(),
        v
    );
}

#[test]
fn encode_errors() {
    struct Variant(u32);
    impl Serialize for Variant {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_unit_variant("Variant", self.0, "v")
        }
    }
    let err = net::to_vec(&Variant(256)).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::TagOverflow {
            index: 256,
            max: 255
        }
    );
    assert_eq!(net::to_vec(&Variant(255)).unwrap(), [255]);
    let wide = Config::new().with_tag_width(TagWidth::U16);
    let err = wide.encoded_len(&Variant(65536)).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::TagOverflow {
            index: 65536,
            max: 65535
        }
    );
    assert_eq!(wide.to_vec(&Variant(65535)).unwrap(), [255, 255]);

    let short = Config::new().with_length_width(LengthWidth::U8);
    let err = short.to_vec(&"x".repeat(256)).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverflow { len: 256, max: 255 }
    );
    assert_eq!(short.to_vec(&vec![0u8; 255]).unwrap().len(), 256);
    let err = Config::new()
        .with_length_width(LengthWidth::U16)
        .to_vec(&vec![(); 65536])
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverflow {
            len: 65536,
            max: 65535
        }
    );

    let small = Config::new().with_limit(8);
    let err = small.to_vec(&"12345").unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 9, limit: 8 });
    let mut out = vec![1];
    let err = netwire::Encoding::encode_into(&small, &"12345", &mut out).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::LengthOverLimit { .. }));
    assert_eq!(out, [1], "a failed encode leaves the buffer as it was");
    let mut sink = Vec::new();
    assert!(small.to_writer(&mut sink, &"12345").is_err());
    assert!(sink.is_empty(), "nothing written on error");
    assert_eq!(small.to_vec(&"1234").unwrap().len(), 8);
}

#[test]
fn hostile_string_length_fails_before_allocating() {
    let input = [0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6];
    fails::<String>(
        Config::new(),
        &input,
        ErrorKind::LengthOverLimit {
            len: u32::MAX as u64,
            limit: (1 << 24) - 4,
        },
        0,
    );
    fails::<serde_bytes::ByteBuf>(
        Config::new(),
        &input,
        ErrorKind::LengthOverLimit {
            len: u32::MAX as u64,
            limit: (1 << 24) - 4,
        },
        0,
    );
    // Without a limit it is simply too short, and `needed` says by how much.
    // Where `usize` has 32 bits, the largest limit is u32::MAX bytes, which
    // the length and its 4-byte prefix pass.
    let unlimited = Config::new().with_limit(usize::MAX);
    for err in [
        unlimited.from_slice::<String>(&input).unwrap_err(),
        unlimited.from_reader::<_, String>(&input[..]).unwrap_err(),
    ] {
        if cfg!(target_pointer_width = "64") {
            assert!(err.is_eof(), "{err:?}");
            assert_eq!(err.needed(), Some(4 + u32::MAX as u64));
        } else {
            assert!(
                matches!(err.kind(), ErrorKind::LengthOverLimit { .. }),
                "{err:?}"
            );
            assert_eq!(err.offset(), Some(0));
        }
    }
}

#[test]
fn hostile_u64_lengths_with_the_bincode_preset() {
    let mut input = vec![0xff; 8];
    input.extend_from_slice(b"ab");
    let legacy = Config::bincode_legacy();
    fails::<String>(
        legacy,
        &input,
        ErrorKind::LengthOverLimit {
            len: u64::MAX,
            limit: (1 << 24) - 8,
        },
        0,
    );
    for kind_of_count in [
        legacy.from_slice::<Vec<u8>>(&input).unwrap_err(),
        legacy.from_reader::<_, Vec<()>>(&input[..]).unwrap_err(),
        legacy
            .from_slice::<std::collections::HashMap<u8, u8>>(&input)
            .unwrap_err(),
    ] {
        assert_eq!(
            kind_of_count.kind(),
            &ErrorKind::LengthOverLimit {
                len: u64::MAX,
                limit: 1 << 24
            }
        );
        assert_eq!(kind_of_count.offset(), Some(0));
    }
    // With no byte limit the count is accepted, but serde is told no more
    // than the 2 bytes left, and the third element finds the end.
    #[cfg(target_pointer_width = "64")]
    {
        let err = legacy
            .with_limit(usize::MAX)
            .from_slice::<Vec<u8>>(&input)
            .unwrap_err();
        assert!(err.is_eof(), "{err:?}");
        assert_eq!((err.offset(), err.needed()), (Some(10), Some(11)));
    }
}

#[test]
fn counts_above_the_limit_are_rejected_even_for_zero_sized_elements() {
    let cfg = Config::new().with_limit(100);
    fails::<Vec<()>>(
        cfg,
        &[0, 0, 0, 101],
        ErrorKind::LengthOverLimit {
            len: 101,
            limit: 100,
        },
        0,
    );
    assert_eq!(
        cfg.from_slice::<Vec<()>>(&[0, 0, 0, 100]).unwrap().len(),
        100
    );
    // The outer count took 1 of the message's budget of 100 elements.
    fails::<(u8, Vec<Vec<()>>)>(
        cfg,
        &[7, 0, 0, 0, 1, 0, 0, 1, 0],
        ErrorKind::LengthOverLimit {
            len: 256,
            limit: 99,
        },
        5,
    );
}

#[test]
fn messages_over_the_limit_stop_at_the_limit() {
    let cfg = Config::new().with_limit(10);
    // A string that does not fit what is left of the limit.
    fails::<(u32, String)>(
        cfg,
        &[0, 0, 0, 0, 0, 0, 0, 3, b'a', b'b', b'c'],
        ErrorKind::LengthOverLimit { len: 3, limit: 2 },
        4,
    );
    // Plain numbers past the limit: the message needs 12 bytes.
    fails::<(u64, u32)>(
        cfg,
        &[0; 12],
        ErrorKind::LengthOverLimit { len: 12, limit: 10 },
        8,
    );
    // Even when the input itself is shorter, more input could never help.
    fails::<(u64, u32)>(
        cfg,
        &[0; 9],
        ErrorKind::LengthOverLimit { len: 12, limit: 10 },
        8,
    );
    // A message of exactly the limit is fine, and bytes after it are trailing.
    assert_eq!(cfg.from_slice::<(u64, u16)>(&[0; 10]).unwrap(), (0, 0));
    let err = cfg.from_slice::<(u64, u16)>(&[0; 11]).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::TrailingBytes, Some(10))
    );
    let (_, rest) = cfg.take_from_slice::<(u64, u16)>(&[0; 13]).unwrap();
    assert_eq!(rest.len(), 3);
}

#[test]
fn reader_errors_and_interruptions() {
    let err: Error = net::from_reader::<_, (u16, u32)>(
        ScriptedReader::new(vec![0, 1, 0], []).fail_at_end(io::ErrorKind::ConnectionReset),
    )
    .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Io(io::ErrorKind::ConnectionReset));
    assert_eq!(err.offset(), Some(2));
    assert_eq!(err.io_error().unwrap().to_string(), "scripted");
    let err = net::from_reader::<_, (u8, String)>(
        ScriptedReader::new(vec![1, 0, 0, 0, 5, b'a'], []).fail_at_end(io::ErrorKind::TimedOut),
    )
    .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Io(io::ErrorKind::TimedOut));
    assert_eq!(err.offset(), Some(1));

    let bytes = net::to_vec(&(7u32, "interrupted", Some('é'))).unwrap();
    let v: (u32, String, Option<char>) =
        net::from_reader(ScriptedReader::interrupting(&bytes)).unwrap();
    assert_eq!(v, (7, "interrupted".to_string(), Some('é')));
}

#[test]
fn reader_never_reads_past_the_message() {
    let mut stream = net::to_vec(&Abc::C { x: 5 }).unwrap();
    stream.extend(net::to_vec(&(Abc::B(1), "second")).unwrap());
    stream.push(0xee);
    let mut r = &stream[..];
    assert_eq!(net::from_reader::<_, Abc>(&mut r).unwrap(), Abc::C { x: 5 });
    let second: (Abc, String) = net::from_reader(&mut r).unwrap();
    assert_eq!(second, (Abc::B(1), "second".to_string()));
    assert_eq!(r, [0xee]);
}

#[test]
fn sequences_must_match_their_declared_length() {
    // A Serialize impl that declares 3 elements and produces 2.
    struct Liar;
    impl Serialize for Liar {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = s.serialize_seq(Some(3))?;
            seq.serialize_element(&1u8)?;
            seq.serialize_element(&2u8)?;
            seq.end()
        }
    }
    let err = net::to_vec(&Liar).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Custom(_)), "{err:?}");
    assert!(net::encoded_len(&Liar).is_err());

    // A map of unknown length is counted and its prefix patched.
    struct Filtered;
    impl Serialize for Filtered {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map((0u8..10).filter(|k| k % 4 == 0).map(|k| (k, k == 4)))
        }
    }
    let bytes = net::to_vec(&Filtered).unwrap();
    assert_eq!(bytes, [0, 0, 0, 3, 0, 0, 4, 1, 8, 0]);
    assert_eq!(net::encoded_len(&Filtered).unwrap(), 10);

    // A Deserialize impl that stops reading early would leave bytes behind.
    #[derive(Debug)]
    struct FirstOnly(u8);
    impl<'de> Deserialize<'de> for FirstOnly {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = FirstOnly;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a sequence")
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<FirstOnly, A::Error> {
                    Ok(FirstOnly(a.next_element()?.unwrap_or(0)))
                }
            }
            d.deserialize_seq(V)
        }
    }
    let err = net::from_slice::<(u8, FirstOnly)>(&[9, 0, 0, 0, 2, 7, 8]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Custom(_)), "{err:?}");
    assert_eq!(err.offset(), Some(1));
    assert_eq!(net::from_slice::<FirstOnly>(&[0, 0, 0, 1, 7]).unwrap().0, 7);
}

#[test]
fn nested_counts_share_one_element_budget() {
    // Outer count 4, then inner counts of 2^24 zero-sized elements each:
    // 20 bytes of input that would loop 4 * 2^24 times if every count were
    // checked on its own. The second inner count (at offset 8) exceeds the
    // budget the first one left.
    let mut input = vec![0, 0, 0, 4];
    for _ in 0..4 {
        input.extend_from_slice(&(1u32 << 23).to_be_bytes());
    }
    let err = netwire::net::from_slice::<Vec<Vec<()>>>(&input).unwrap_err();
    assert_eq!(
        err.kind(),
        &netwire::ErrorKind::LengthOverLimit {
            len: 1 << 23,
            limit: (1 << 23) - 4,
        }
    );
    assert_eq!(err.offset(), Some(8));
}

/// A number cut short inside nested structs and a sequence reports the
/// position of that number, and the bytes it needed, in every decoder; a
/// read past the limit is `LengthOverLimit` there, also inside a `char`,
/// whose short reads are otherwise placed at the char's start.
#[test]
fn a_short_read_is_at_its_own_position_at_any_depth() {
    #[derive(Deserialize, Debug, Serialize)]
    struct Vector3 {
        x: f32,
        y: f32,
        z: f32,
    }
    #[derive(Deserialize, Debug, Serialize)]
    struct Mesh {
        id: u8,
        points: Vec<Vector3>,
    }
    let points = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
    let mut bytes = vec![7, 0, 0, 0, 2];
    for p in points {
        bytes.extend(p.to_be_bytes());
    }
    for cut in 5..bytes.len() {
        // The read that fails starts at the last whole f32 before the cut.
        let at = 5 + (cut - 5) / 4 * 4;
        let input = &bytes[..cut];
        let err = Config::new().from_slice::<Mesh>(input).unwrap_err();
        assert_eq!(
            (err.kind(), err.offset(), err.needed()),
            (
                &ErrorKind::UnexpectedEnd,
                Some(at as u64),
                Some(at as u64 + 4)
            ),
            "cut at {cut}: {err}"
        );
        let read = Config::new().from_reader::<_, Mesh>(input).unwrap_err();
        assert_eq!((read.kind(), read.offset()), (err.kind(), err.offset()));
        let front = Config::new().take_from_slice::<Mesh>(input).unwrap_err();
        assert_eq!(front.offset(), Some(at as u64));
    }
    let over = Config::new()
        .with_limit(11)
        .from_slice::<Mesh>(&bytes)
        .unwrap_err();
    assert_eq!(
        (over.kind(), over.offset()),
        (&ErrorKind::LengthOverLimit { len: 13, limit: 11 }, Some(9))
    );
    fails::<(u8, char)>(
        Config::new().with_limit(2),
        &[0, 0xc2, 0x80],
        ErrorKind::LengthOverLimit { len: 3, limit: 2 },
        2,
    );
    fails::<(u8, char)>(Config::new(), &[0, 0xe2, 0x82], ErrorKind::UnexpectedEnd, 1);
}
