//! Length-prefixed framing: hostile headers, adjustments at their edges,
//! encoder limits and exact truncation reports.

use bytes::BytesMut;
use netwire::ErrorKind;
use netwire::frame::{FrameDecoder, FrameEncoder, LengthPrefixed};

fn buffer_with(bytes: &[u8]) -> BytesMut {
    let mut src = BytesMut::with_capacity(bytes.len());
    src.extend_from_slice(bytes);
    src
}

#[test]
fn hostile_lengths_are_refused_before_any_reservation() {
    let cases: [(LengthPrefixed, &[u8], u64); 4] = [
        (LengthPrefixed::u32(), &[0xff; 4], u32::MAX as u64),
        (LengthPrefixed::u64(), &[0xff; 8], u64::MAX),
        (LengthPrefixed::u16(), &[0x01, 0x00], 256),
        (LengthPrefixed::u8(), &[101], 101),
    ];
    for (codec, header, len) in cases {
        let mut codec = codec.with_limit(100);
        let mut src = buffer_with(header);
        src.extend_from_slice(b"some payload bytes");
        let cap = src.capacity();
        let err = codec.decode(&mut src).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len, limit: 100 });
        assert_eq!(err.offset(), Some(0));
        assert_eq!(src.capacity(), cap, "no reservation for a refused length");
        assert_eq!(src.len(), header.len() + 18, "nothing consumed");
    }
}

#[test]
fn limit_is_inclusive() {
    let mut codec = LengthPrefixed::u16().with_limit(3);
    let mut src = buffer_with(&[0, 3, 1, 2, 3, 0, 4]);
    assert_eq!(codec.decode(&mut src).unwrap().unwrap(), &[1, 2, 3][..]);
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 4, limit: 3 });
}

#[test]
fn an_announced_frame_reserves_only_its_own_size() {
    let mut codec = LengthPrefixed::u32();
    let mut src = buffer_with(&[0, 0, 0x10, 0]); // 4096 bytes announced
    assert_eq!(codec.decode(&mut src).unwrap(), None);
    assert!(src.capacity() >= 4 + 4096);
    assert!(src.capacity() <= 2 * (4 + 4096));
}

#[test]
fn header_counted_length_shorter_than_the_header_is_invalid() {
    let mut codec = LengthPrefixed::u32().length_includes_header(true);
    let mut src = buffer_with(&[0, 0, 0, 3, 9]);
    let err = codec.decode(&mut src).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)), "{err}");
    assert_eq!(err.offset(), Some(0));

    // Exactly the header: an empty payload.
    let mut src = buffer_with(&[0, 0, 0, 4, 9]);
    assert_eq!(codec.decode(&mut src).unwrap().unwrap(), &b""[..]);
    assert_eq!(src, &[9][..]);
}

#[test]
fn negative_adjustment_edges() {
    let mut codec = LengthPrefixed::u8().length_adjustment(-2);
    let mut src = buffer_with(&[2, 1]);
    assert_eq!(codec.decode(&mut src).unwrap().unwrap(), &b""[..]);
    assert_eq!(src, &[1][..]);
    let err = codec.decode(&mut src).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)));

    let mut wire = BytesMut::new();
    codec.encode(b"", &mut wire).unwrap();
    codec.encode(&[7; 253], &mut wire).unwrap();
    assert_eq!(wire[0], 2);
    assert_eq!(wire[1], 255);
    let err = codec.encode(&[7; 254], &mut wire).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverflow { len: 256, max: 255 }
    );
}

#[test]
fn positive_adjustment_cannot_encode_a_short_payload() {
    let mut codec = LengthPrefixed::u16().length_adjustment(4);
    let mut wire = BytesMut::new();
    let err = codec.encode(b"abc", &mut wire).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)));
    assert!(wire.is_empty(), "nothing written on error");
    codec.encode(b"abcd", &mut wire).unwrap();
    assert_eq!(wire, [0, 0, b'a', b'b', b'c', b'd'][..]);
}

#[test]
fn a_huge_positive_adjustment_saturates_into_the_limit_check() {
    let mut codec = LengthPrefixed::u64().length_adjustment(isize::MAX);
    let mut src = buffer_with(&[0xff; 8]);
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: u64::MAX,
            limit: 1 << 24
        }
    );
}

#[test]
fn encoder_enforces_width_and_limit() {
    let mut wire = BytesMut::new();
    let err = LengthPrefixed::u8()
        .encode(&[0; 256], &mut wire)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverflow { len: 256, max: 255 }
    );
    let err = LengthPrefixed::u32()
        .with_limit(10)
        .encode(&[0; 11], &mut wire)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit { len: 11, limit: 10 }
    );
    assert_eq!(err.offset(), None);
    assert!(wire.is_empty());
    let mut codec = LengthPrefixed::u8().length_includes_header(true);
    let err = codec.encode(&[0; 255], &mut wire).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverflow { len: 256, max: 255 }
    );
    codec.encode(&[0; 254], &mut wire).unwrap();
    assert_eq!(wire[0], 255);
}

#[test]
fn truncation_reports_received_and_expected() {
    let mut codec = LengthPrefixed::u32();
    let mut src = buffer_with(&[0, 0]);
    let err = codec.decode_eof(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 2,
            expected: None
        }
    );
    let mut codec = LengthPrefixed::u32();
    let mut src = buffer_with(&[0, 0, 0, 10, 1, 2, 3]);
    let err = codec.decode_eof(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 7,
            expected: Some(14)
        }
    );
    assert_eq!(err.offset(), Some(0));
}

#[test]
fn frames_are_zero_copy_slices_of_the_buffer() {
    let mut codec = LengthPrefixed::u8();
    let mut src = buffer_with(&[3, b'a', b'b', b'c', 1, b'd']);
    let base = src.as_ptr() as usize;
    let a = codec.decode(&mut src).unwrap().unwrap();
    let d = codec.decode(&mut src).unwrap().unwrap();
    assert_eq!(a.as_ptr() as usize, base + 1);
    assert_eq!(d.as_ptr() as usize, base + 5);
}

#[test]
fn head_and_tail_split_matches_encode() {
    let mut codec = LengthPrefixed::u16();
    let mut head = BytesMut::new();
    codec.encode_head(b"xyz", &mut head).unwrap();
    codec.encode_tail(b"xyz", &mut head).unwrap();
    assert_eq!(head, [0, 3][..]);
    let mut whole = BytesMut::new();
    codec.encode(b"xyz", &mut whole).unwrap();
    assert_eq!(whole, [0, 3, b'x', b'y', b'z'][..]);
}
