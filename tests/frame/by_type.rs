//! Type-byte framing: tables, functions, unknown types, limits.

use bytes::BytesMut;
use netwire::ErrorKind;
use netwire::frame::{ByType, FrameDecoder, FrameEncoder, Rule};

#[test]
fn unknown_type_after_good_frames_is_at_its_own_offset_in_src() {
    let mut codec = ByType::new().fixed(1, 2);
    let mut src = BytesMut::from(&[1, 0, 1, 0, 7, 1][..]);
    assert_eq!(codec.decode(&mut src).unwrap().unwrap(), &[1, 0][..]);
    assert_eq!(codec.decode(&mut src).unwrap().unwrap(), &[1, 0][..]);
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::UnknownFrameType(7));
    assert_eq!(err.offset(), Some(0), "relative to what is left in src");
    assert_eq!(src, [7, 1][..], "nothing consumed");
}

#[test]
fn the_function_sees_every_tag() {
    let mut codec = ByType::with(|tag| (tag % 2 == 0).then_some(Rule::Fixed(1)));
    let mut src = BytesMut::from(&[0, 2, 254, 3][..]);
    for _ in 0..3 {
        assert!(codec.decode(&mut src).unwrap().is_some());
    }
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::UnknownFrameType(3));
}

#[test]
fn hostile_lengths_are_refused_before_reserving() {
    let mut codec = ByType::new().prefixed(9, 8).with_limit(64);
    let mut src = BytesMut::with_capacity(9);
    src.extend_from_slice(&[9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    let cap = src.capacity();
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: u64::MAX,
            limit: 64
        }
    );
    assert_eq!(src.capacity(), cap);
}

#[test]
fn the_limit_counts_the_whole_frame() {
    let mut codec = ByType::new().prefixed(1, 1).fixed(2, 5).with_limit(4);
    let mut src = BytesMut::from(&[1, 2, b'a', b'b', 1, 3][..]);
    assert_eq!(
        codec.decode(&mut src).unwrap().unwrap(),
        &[1, 2, b'a', b'b'][..]
    );
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 5, limit: 4 });
    let mut src = BytesMut::from(&[2][..]);
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 5, limit: 4 });
}

#[test]
fn rules_a_function_cannot_follow_are_invalid_headers() {
    for rule in [Rule::Fixed(0), Rule::Prefixed(0), Rule::Prefixed(9)] {
        let mut codec = ByType::with(move |_| Some(rule));
        let err = codec.decode(&mut BytesMut::from(&[1; 12][..])).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidHeader(_)),
            "{rule:?}"
        );
    }
}

#[test]
fn truncation_reports_the_size_once_known() {
    let mut codec = ByType::new().prefixed(1, 2);
    let err = codec
        .decode_eof(&mut BytesMut::from(&[1, 0][..]))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 2,
            expected: None
        }
    );
    let mut codec = ByType::new().prefixed(1, 2);
    let err = codec
        .decode_eof(&mut BytesMut::from(&[1, 0, 4, b'a'][..]))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 4,
            expected: Some(7)
        }
    );
}

#[test]
fn the_encoder_checks_the_frame_it_is_given() {
    let mut codec = ByType::new().fixed(1, 3).prefixed(2, 1);
    let mut dst = BytesMut::new();
    let err = codec.encode(&[5, 0, 0], &mut dst).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::UnknownFrameType(5));
    for bad in [&[][..], &[1, 0][..], &[1, 0, 0, 0], &[2, 2, b'a'], &[2]] {
        let err = codec.encode(bad, &mut dst).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)), "{bad:?}");
    }
    assert!(dst.is_empty());
    codec.encode(&[2, 1, b'a'], &mut dst).unwrap();
    assert_eq!(dst, [2, 1, b'a'][..]);
}

#[test]
fn debug_lists_the_table() {
    let codec = ByType::new().fixed(3, 2);
    let text = format!("{codec:?}");
    assert!(text.contains("(3, Fixed(2))"), "{text}");
}
