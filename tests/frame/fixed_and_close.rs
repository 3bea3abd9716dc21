//! Fixed-length and until-close framing.

use bytes::BytesMut;
use netwire::ErrorKind;
use netwire::frame::{FixedLength, FrameDecoder, FrameEncoder, UntilClose};
use quickcheck::QuickCheck;

#[test]
fn fixed_length_truncation_reports_the_frame_size() {
    let mut codec = FixedLength::new(4);
    let mut src = BytesMut::from(&b"abcdef"[..]);
    assert_eq!(codec.decode_eof(&mut src).unwrap().unwrap(), &b"abcd"[..]);
    let err = codec.decode_eof(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 2,
            expected: Some(4)
        }
    );
}

#[test]
fn fixed_length_encoder_wants_the_exact_size() {
    let mut codec = FixedLength::new(3);
    let mut dst = BytesMut::new();
    for bad in [&b"ab"[..], b"abcd", b""] {
        let err = codec.encode(bad, &mut dst).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)));
    }
    assert!(dst.is_empty());
    codec.encode(b"abc", &mut dst).unwrap();
    assert_eq!(dst, b"abc"[..]);
}

#[test]
#[should_panic(expected = "at least 1 byte")]
fn fixed_length_zero_is_a_programming_error() {
    let _ = FixedLength::new(0);
}

#[test]
fn until_close_yields_everything_once_at_the_end() {
    fn prop(payload: Vec<u8>, sizes: Vec<u8>) -> bool {
        let mut codec = UntilClose::new();
        let mut src = BytesMut::new();
        let mut rest = &payload[..];
        let mut i = 0;
        while !rest.is_empty() {
            let n = sizes
                .get(i)
                .map_or(1, |&s| 1 + usize::from(s) % 7)
                .min(rest.len());
            i += 1;
            src.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            if codec.decode(&mut src).unwrap().is_some() {
                return false;
            }
        }
        let got = codec.decode_eof(&mut src).unwrap();
        let again = codec.decode_eof(&mut src).unwrap();
        again.is_none()
            && src.is_empty()
            && match got {
                Some(frame) => frame == payload,
                None => payload.is_empty(),
            }
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<u8>, Vec<u8>) -> bool);
}

#[test]
fn until_close_refuses_a_stream_over_the_limit() {
    let mut codec = UntilClose::new().with_limit(3);
    let mut src = BytesMut::from(&b"abc"[..]);
    assert_eq!(codec.decode(&mut src).unwrap(), None);
    assert_eq!(
        codec.clone().decode_eof(&mut src.clone()).unwrap().unwrap(),
        &b"abc"[..]
    );
    src.extend_from_slice(b"d");
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 4, limit: 3 });
    let err = codec.decode_eof(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 4, limit: 3 });

    let mut dst = BytesMut::new();
    let err = codec.encode(b"abcd", &mut dst).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 4, limit: 3 });
    codec.encode(b"abc", &mut dst).unwrap();
    assert_eq!(dst, b"abc"[..]);
}

#[test]
fn until_close_on_an_empty_stream_is_no_message() {
    let mut codec = UntilClose::new();
    assert_eq!(codec.decode_eof(&mut BytesMut::new()).unwrap(), None);
}
