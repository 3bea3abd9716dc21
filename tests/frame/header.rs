//! Header-described framing with a zerocopy header.

use bytes::BytesMut;
use netwire::ErrorKind;
use netwire::frame::{FrameDecoder, FrameEncoder, HeaderDescribed};
use zerocopy::network_endian::{U16, U64};
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

#[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct Header {
    version: u8,
    flags: u8,
    kind: U16,
    len: U64,
}

fn codec() -> HeaderDescribed<Header> {
    HeaderDescribed::new(|h: &Header| h.len.get())
}

fn frame(kind: u16, body: &[u8]) -> Vec<u8> {
    let mut f = vec![1, 0];
    f.extend_from_slice(&kind.to_be_bytes());
    f.extend_from_slice(&(body.len() as u64).to_be_bytes());
    f.extend_from_slice(body);
    f
}

#[test]
fn the_frame_reads_as_header_and_body() {
    let mut codec = codec();
    let mut src = BytesMut::from(&frame(513, b"body")[..]);
    src.extend_from_slice(&frame(2, b"")[..]);
    let f = codec.decode(&mut src).unwrap().unwrap();
    let (header, body) = Header::ref_from_prefix(&f).unwrap();
    assert_eq!(
        (header.version, header.kind.get(), body),
        (1, 513, &b"body"[..])
    );
    let f = codec.decode(&mut src).unwrap().unwrap();
    assert_eq!(f.len(), 12);
    assert!(src.is_empty());
}

#[test]
fn hostile_lengths_are_refused_before_reserving() {
    let mut codec = codec().with_limit(100);
    let mut src = BytesMut::with_capacity(12);
    src.extend_from_slice(&[1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    let cap = src.capacity();
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: u64::MAX,
            limit: 100
        }
    );
    assert_eq!(err.offset(), Some(0));
    assert_eq!(src.capacity(), cap);

    // The limit counts the header: 12 + 88 fits, 12 + 89 does not.
    let mut src = BytesMut::from(&frame(0, &[0; 88])[..]);
    assert!(codec.decode(&mut src).unwrap().is_some());
    let mut src = BytesMut::from(&frame(0, &[0; 89])[..12]);
    assert!(codec.decode(&mut src).is_err());
}

#[test]
fn truncation_reports_the_described_size() {
    let mut codec = codec();
    let mut src = BytesMut::from(&frame(0, b"abcdef")[..15]);
    let err = codec.decode_eof(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 15,
            expected: Some(18)
        }
    );
}

#[test]
fn the_encoder_checks_header_against_body() {
    let mut codec = codec();
    let mut dst = BytesMut::new();
    let mut wrong = frame(0, b"abc");
    wrong.push(b'd');
    for bad in [&b"short"[..], &wrong, &frame(0, b"abc")[..14]] {
        let err = codec.encode(bad, &mut dst).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)), "{bad:?}");
    }
    assert!(dst.is_empty());
    codec.encode(&frame(7, b"abc"), &mut dst).unwrap();
    assert_eq!(dst, frame(7, b"abc")[..]);
    let err = codec
        .with_limit(14)
        .encode(&frame(7, b"abc"), &mut dst)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit { len: 15, limit: 14 }
    );
}

#[test]
fn clone_and_debug_need_nothing_from_the_header() {
    let codec = codec();
    let copy = codec.clone();
    let text = format!("{copy:?}");
    assert!(text.contains("header_len: 12"), "{text}");
}
