//! Length-field framing: the field is read and written by the framing, so
//! messages carry the bytes around it and never the length itself.

use bytes::BytesMut;
use netwire::frame::{FrameDecoder, FrameEncoder, LengthField};
use netwire::message::{MessageDecoder, MessageEncoder};
use netwire::stream::{FrameReader, FrameWriter, MessageReader};
use netwire::{ErrorKind, net};
use quickcheck::{QuickCheck, TestResult};

fn postgres() -> LengthField {
    LengthField::new()
        .length_field_offset(1)
        .length_adjustment(-4)
}

#[test]
fn a_message_around_the_field_encodes_without_a_length_of_its_own() {
    let mut encoder = MessageEncoder::new(postgres());
    let mut wire = BytesMut::from(&b"before"[..]);
    encoder.encode(&(b'Q', "hi"), &mut wire).unwrap();
    // 'Q', the length (itself and the 6 bytes after it), then the string.
    assert_eq!(&wire[..], b"beforeQ\0\0\0\x0a\0\0\0\x02hi");

    let mut decoder = MessageDecoder::new(postgres());
    let (message, used) = decoder.decode::<(u8, &str)>(&wire[6..]);
    assert_eq!((message.unwrap(), used), (Some((b'Q', "hi")), 11));
    let mut src = BytesMut::from(&wire[6..]);
    let owned: (u8, String) = decoder.decode_buf(&mut src).unwrap().unwrap();
    assert_eq!(owned, (b'Q', "hi".to_string()));
}

#[test]
fn an_error_after_the_field_is_located_past_it_in_the_stream() {
    // Payload 'Q' 00 01: the u32 after the type byte is cut short.
    let wire = b"Q\0\0\0\x06\0\x01";
    let mut decoder = MessageDecoder::new(postgres());
    let (result, used) = decoder.decode::<(u8, u32)>(wire);
    let err = result.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ShortFrame { .. }), "{err}");
    assert_eq!(err.offset(), Some(5), "the u32 starts after the field");
    assert_eq!(used, wire.len(), "the bad frame is consumed");

    // Before the field: an invalid bool at the frame's first byte.
    let wire = b"\x02\0\0\0\x05\x01";
    let mut decoder = MessageDecoder::new(postgres());
    let err = decoder.decode::<(bool, u8)>(wire).0.unwrap_err();
    assert_eq!(err.offset(), Some(0));
}

#[test]
fn a_string_across_the_field_is_copied_when_owned_and_refused_when_borrowed() {
    // The string's length prefix and first two bytes come before the field.
    let codec = || {
        LengthField::new()
            .length_field_offset(6)
            .length_field_length(1)
    };
    let mut wire = BytesMut::new();
    MessageEncoder::new(codec())
        .encode("abcdef", &mut wire)
        .unwrap();
    assert_eq!(&wire[..], b"\0\0\0\x06ab\x04cdef");
    let mut decoder = MessageDecoder::new(codec());
    let (owned, _) = decoder.decode::<String>(&wire);
    assert_eq!(owned.unwrap(), Some("abcdef".to_string()));
    let (borrowed, used) = MessageDecoder::new(codec()).decode::<&str>(&wire);
    assert!(borrowed.is_err(), "a borrowed string cannot span the field");
    assert_eq!(used, wire.len());
}

#[test]
fn the_encoding_limit_refuses_a_frame_from_its_field() {
    // 'D' and a length announcing 1 MiB; the rest never comes.
    let input: &[u8] = &[b'D', 0, 0x10, 0, 4];
    let config = net::Config::new().with_limit(64);
    let mut rx = MessageReader::with_encoding(input, postgres(), config);
    let err = rx.read::<(u8, Vec<u8>)>().unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::LengthOverLimit { limit: 64, .. }
    ));
    assert_eq!(err.offset(), Some(1));
}

#[test]
fn truncation_reports_the_frame_size_once_the_field_is_in() {
    let mut codec = postgres();
    let err = codec
        .decode_span_eof(b"Z\0\0\0\x05")
        .expect_err("one byte missing");
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 5,
            expected: Some(6)
        }
    );
    let err = postgres().decode_span_eof(b"Z\0").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 2,
            expected: None
        }
    );
}

#[test]
fn encoding_refuses_what_decoding_could_not_read_back() {
    let mut dst = BytesMut::new();
    let err = postgres().encode(b"", &mut dst).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)));
    let mut memcached = LengthField::new()
        .length_field_offset(8)
        .length_adjustment(12);
    let err = memcached.encode(&[0; 19], &mut dst).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)));
    let err = LengthField::new()
        .length_field_length(1)
        .encode(&[0; 256], &mut dst)
        .unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::LengthOverflow { len: 256, .. }
    ));
    let err = postgres()
        .with_limit(3)
        .encode(b"Qabc", &mut dst)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::LengthOverLimit { .. }));
    assert!(dst.is_empty(), "nothing written on error");
}

#[test]
fn a_large_frame_written_and_read_through_the_stream_adapters() {
    let mut payload = vec![b'd'];
    payload.extend((0..200_000u32).map(|i| i as u8));
    let mut writer = FrameWriter::new(Vec::new(), postgres());
    writer.write_frame(&payload).unwrap();
    writer.write_frame(b"Z").unwrap();
    writer.flush().unwrap();
    let wire = writer.into_inner();
    assert_eq!(&wire[..5], [b'd', 0, 3, 0x0d, 0x44]);
    assert_eq!(&wire[wire.len() - 5..], b"Z\0\0\0\x04");
    let mut reader = FrameReader::new(&wire[..], postgres());
    assert_eq!(reader.read_frame().unwrap().unwrap(), &payload[..]);
    assert_eq!(reader.read_frame().unwrap().unwrap(), &b"Z"[..]);
    assert_eq!(reader.read_frame().unwrap(), None);
}

/// Messages of many small fields, framed with the field at `offset` and
/// `width` wide: what is encoded decodes back, borrowed and owned, and
/// encodes again to the same bytes, wherever the field cuts the message.
fn messages_round_trip(values: Vec<(u16, String)>, offset: u8, width: u8) -> TestResult {
    let offset = usize::from(offset % 12);
    let width = usize::from(width % 4) + 2;
    let codec = || {
        LengthField::new()
            .length_field_offset(offset)
            .length_field_length(width)
    };
    let mut wire = BytesMut::new();
    let mut encoder = MessageEncoder::new(codec());
    for _ in 0..3 {
        if encoder.encode(&values, &mut wire).is_err() {
            // Shorter than the bytes before the field.
            return TestResult::discard();
        }
    }
    let mut decoder = MessageDecoder::new(codec());
    let mut at = 0;
    let mut again = BytesMut::new();
    for _ in 0..3 {
        let (owned, used) = decoder.decode::<Vec<(u16, String)>>(&wire[at..]);
        let owned = owned.unwrap().unwrap();
        if owned != values {
            return TestResult::failed();
        }
        // Borrowed where no string straddles the field; never a panic.
        if let (Ok(Some(borrowed)), _) =
            MessageDecoder::new(codec()).decode::<Vec<(u16, &str)>>(&wire[at..])
        {
            let same = borrowed
                .iter()
                .zip(&values)
                .all(|(a, b)| a.0 == b.0 && a.1 == b.1);
            if !same || borrowed.len() != values.len() {
                return TestResult::failed();
            }
        }
        MessageEncoder::new(codec())
            .encode(&owned, &mut again)
            .unwrap();
        at += used;
    }
    TestResult::from_bool(at == wire.len() && again == wire)
}

#[test]
fn messages_round_trip_wherever_the_field_cuts_them() {
    QuickCheck::new()
        .tests(300)
        .quickcheck(messages_round_trip as fn(Vec<(u16, String)>, u8, u8) -> TestResult);
}

/// Any input, through the message layer: a value or a located error,
/// never a panic, and never more bytes taken than given.
fn garbage(input: Vec<u8>, offset: u8) -> bool {
    let codec = LengthField::new()
        .length_field_offset(usize::from(offset % 6))
        .length_field_length(2);
    let mut decoder = MessageDecoder::new(codec);
    let mut at = 0;
    loop {
        let (result, used) = decoder.decode_eof::<Vec<(u8, String)>>(&input[at..]);
        at += used;
        match result {
            Ok(Some(_)) if used > 0 => continue,
            Ok(None) => return at == input.len(),
            Ok(Some(_)) => return false,
            Err(e) if used > 0 => {
                if e.offset().is_none() {
                    return false;
                }
                continue;
            }
            Err(e) => return e.offset().is_some() && at <= input.len(),
        }
    }
}

#[test]
fn arbitrary_input_gives_messages_or_located_errors() {
    QuickCheck::new().quickcheck(garbage as fn(Vec<u8>, u8) -> bool);
}

/// Every kind of item the `net` decoder reads, for `decode_split`.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
struct Mixed {
    a: u8,
    b: u32,
    #[serde(with = "netwire::with::cstr")]
    c: String,
    d: Vec<u16>,
    e: Option<String>,
    #[serde(with = "netwire::with::nul_terminated")]
    f: Vec<std::num::NonZeroU8>,
    #[serde(with = "netwire::with::rest")]
    g: Vec<u8>,
}

/// `decode_split` at a cut gives what `from_slice` gives for the whole:
/// the same value, or the same error at the same offset.
fn split_agrees(config: net::Config, input: &[u8], cut: usize) -> bool {
    let cut = cut % (input.len() + 1);
    let whole = config.from_slice::<Mixed>(input);
    let split = netwire::Encoding::decode_split::<Mixed>(&config, &input[..cut], &input[cut..]);
    match (whole, split) {
        (Ok(a), Ok(b)) => a == b,
        (Err(a), Err(b)) => a.kind() == b.kind() && a.offset() == b.offset(),
        _ => false,
    }
}

#[test]
fn decode_split_reads_every_item_across_every_cut() {
    let value = Mixed {
        a: 7,
        b: 0x0102_0304,
        c: "cstr".into(),
        d: vec![1, 2, 3],
        e: Some("opt".into()),
        f: [5, 6]
            .map(|n| std::num::NonZeroU8::new(n).unwrap())
            .to_vec(),
        g: b"rest of it".to_vec(),
    };
    let wire = net::to_vec(&value).unwrap();
    for cut in 0..=wire.len() {
        let got: Mixed =
            netwire::Encoding::decode_split(&net::Config::new(), &wire[..cut], &wire[cut..])
                .unwrap_or_else(|e| panic!("cut {cut}: {e}"));
        assert_eq!(got, value, "cut {cut}");
        // Cut short, with a trailing byte, under a limit: as from_slice.
        for end in [wire.len() - 1, wire.len() / 2] {
            assert!(split_agrees(net::Config::new(), &wire[..end], cut.min(end)));
        }
        let mut longer = wire.clone();
        longer.push(0);
        assert!(split_agrees(net::Config::new(), &longer, cut));
        for limit in [0, 5, wire.len() - 1] {
            assert!(split_agrees(
                net::Config::new().with_limit(limit),
                &wire,
                cut
            ));
        }
    }
}

#[test]
fn decode_split_agrees_with_from_slice_on_any_input() {
    fn prop(input: Vec<u8>, cut: usize, limit: u8) -> bool {
        let config = net::Config::new().with_limit(usize::from(limit) + 8);
        split_agrees(config, &input, cut)
    }
    QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(Vec<u8>, usize, u8) -> bool);
}

#[test]
fn decode_split_agrees_with_from_slice_on_damaged_messages() {
    type Fields = (u32, String, Vec<u16>, Option<String>, Vec<u8>);
    fn prop(fields: Fields, damage: (usize, u8, bool), cut: usize) -> bool {
        let (b, c, d, e, g) = fields;
        let value = Mixed {
            a: 1,
            b,
            c: c.replace('\0', ""),
            d,
            e,
            f: vec![std::num::NonZeroU8::MIN],
            g,
        };
        let mut wire = net::to_vec(&value).unwrap();
        let (at, byte, truncate) = damage;
        let at = at % (wire.len() + 1);
        if truncate {
            wire.truncate(at);
        } else if at < wire.len() {
            wire[at] = byte;
        }
        split_agrees(net::Config::new(), &wire, cut)
    }
    QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(Fields, (usize, u8, bool), usize) -> bool);
}

#[test]
fn an_encoding_that_cannot_read_across_the_field_says_so() {
    // ascii keeps the default decode_split: a frame with bytes before the
    // field is Unsupported, one without is decoded as usual.
    let ascii = netwire::ascii::Config::new();
    let mut wire = BytesMut::new();
    MessageEncoder::with_encoding(postgres(), ascii)
        .encode(&(7u8, 9u8), &mut wire)
        .unwrap();
    let (result, used) = MessageDecoder::with_encoding(postgres(), ascii).decode::<(u8, u8)>(&wire);
    assert!(matches!(
        result.unwrap_err().kind(),
        ErrorKind::Unsupported(_)
    ));
    assert_eq!(used, wire.len(), "the frame is consumed");
    let mut wire = BytesMut::new();
    let at_zero = || LengthField::new().length_field_length(2);
    MessageEncoder::with_encoding(at_zero(), ascii)
        .encode(&(7u8, 9u8), &mut wire)
        .unwrap();
    let (result, _) = MessageDecoder::with_encoding(at_zero(), ascii).decode::<(u8, u8)>(&wire);
    assert_eq!(result.unwrap(), Some((7, 9)));
}
