//! ASCII decimal length headers (the socket HOWTO's "00042" + payload).

use bytes::BytesMut;
use netwire::ErrorKind;
use netwire::frame::{AsciiLength, FrameDecoder, FrameEncoder};

#[test]
fn the_howto_header() {
    let mut codec = AsciiLength::digits(5);
    let payload = [b'x'; 42];
    let mut wire = BytesMut::new();
    codec.encode(&payload, &mut wire).unwrap();
    assert_eq!(&wire[..5], b"00042");
    assert_eq!(wire.len(), 47);
    assert_eq!(codec.decode(&mut wire).unwrap().unwrap(), &payload[..]);
}

#[test]
fn a_non_digit_is_refused_where_it_stands_even_before_the_header_is_whole() {
    for (input, at) in [(&b"x"[..], 0), (b"0 1", 1), (b"0004+", 4), (b"0001\xff", 4)] {
        let mut codec = AsciiLength::digits(5);
        let mut src = BytesMut::from(input);
        let err = codec.decode(&mut src).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidHeader(_)),
            "{input:?}"
        );
        assert_eq!(err.offset(), Some(at), "{input:?}");
    }
    // The byte after the header is payload, whatever it is.
    let mut codec = AsciiLength::digits(2);
    let mut src = BytesMut::from(&b"01+"[..]);
    assert_eq!(codec.decode(&mut src).unwrap().unwrap(), &b"+"[..]);
}

#[test]
fn huge_declared_lengths_are_refused_before_reserving() {
    let mut codec = AsciiLength::digits(19).with_limit(1000);
    let mut src = BytesMut::with_capacity(19);
    src.extend_from_slice(b"9999999999999999999");
    let cap = src.capacity();
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: 9_999_999_999_999_999_999,
            limit: 1000
        }
    );
    assert_eq!(src.capacity(), cap);
}

#[test]
fn encoder_limits() {
    let mut dst = BytesMut::new();
    let err = AsciiLength::digits(1)
        .encode(&[0; 10], &mut dst)
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverflow { len: 10, max: 9 });
    let err = AsciiLength::digits(5)
        .with_limit(8)
        .encode(&[0; 9], &mut dst)
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 9, limit: 8 });
    assert!(dst.is_empty());
    AsciiLength::digits(19).encode(b"abc", &mut dst).unwrap();
    assert_eq!(dst, b"0000000000000000003abc"[..]);
}

#[test]
fn truncation_counts_header_and_payload() {
    let mut codec = AsciiLength::digits(3);
    let err = codec
        .decode_eof(&mut BytesMut::from(&b"01"[..]))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 2,
            expected: None
        }
    );
    let mut codec = AsciiLength::digits(3);
    let err = codec
        .decode_eof(&mut BytesMut::from(&b"010abc"[..]))
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 6,
            expected: Some(13)
        }
    );
}

#[test]
#[should_panic(expected = "1 to 19 digits")]
fn twenty_digits_do_not_fit_a_u64() {
    let _ = AsciiLength::digits(20);
}
