//! Delimited framing: delimiters split across reads, the length limit
//! without a delimiter, encoder refusals, line endings.

use bytes::BytesMut;
use netwire::ErrorKind;
use netwire::frame::{Delimited, FrameDecoder, FrameEncoder};

fn feed(codec: &mut Delimited, src: &mut BytesMut, bytes: &[u8]) -> Vec<Vec<u8>> {
    src.extend_from_slice(bytes);
    let mut out = Vec::new();
    while let Some(f) = codec.decode(src).unwrap() {
        out.push(f.to_vec());
    }
    out
}

#[test]
fn a_multi_byte_delimiter_split_at_every_point() {
    let wire = b"first\r\n\r\nsecond\r\n\r\n";
    for cut in 0..=wire.len() {
        for cut2 in cut..=wire.len() {
            let mut codec = Delimited::new(b"\r\n\r\n");
            let mut src = BytesMut::new();
            let mut frames = feed(&mut codec, &mut src, &wire[..cut]);
            frames.extend(feed(&mut codec, &mut src, &wire[cut..cut2]));
            frames.extend(feed(&mut codec, &mut src, &wire[cut2..]));
            assert_eq!(
                frames,
                [b"first".to_vec(), b"second".to_vec()],
                "cuts {cut} {cut2}"
            );
            assert!(src.is_empty());
        }
    }
}

#[test]
fn false_starts_of_the_delimiter_stay_in_the_payload() {
    let mut codec = Delimited::new(b"\r\n");
    let mut src = BytesMut::new();
    let mut frames = Vec::new();
    for &b in b"a\rb\r\r\n" {
        frames.extend(feed(&mut codec, &mut src, &[b]));
    }
    assert_eq!(frames, [b"a\rb\r".to_vec()]);
}

#[test]
fn over_limit_as_soon_as_no_delimiter_can_fit() {
    let mut codec = Delimited::new(b"\n").with_limit(4);
    let mut src = BytesMut::new();
    assert!(feed(&mut codec, &mut src, b"abcd").is_empty());
    src.extend_from_slice(b"e");
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 5, limit: 4 });
    assert_eq!(err.offset(), Some(0));

    // A payload of exactly the limit is fine, also with a 2-byte delimiter
    // whose first byte is the one past the limit.
    let mut codec = Delimited::new(b"\r\n").with_limit(4);
    let mut src = BytesMut::new();
    assert!(feed(&mut codec, &mut src, b"abcd\r").is_empty());
    assert_eq!(feed(&mut codec, &mut src, b"\n"), [b"abcd".to_vec()]);
    src.extend_from_slice(b"abcde\r");
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 6, limit: 4 });
}

#[test]
fn a_delimiter_beyond_the_limit_in_one_big_read_is_refused() {
    let mut codec = Delimited::new(b"\n").with_limit(3);
    let mut src = BytesMut::from(&b"ab\nabcdefgh\nx"[..]);
    assert_eq!(codec.decode(&mut src).unwrap().unwrap(), &b"ab"[..]);
    let err = codec.decode(&mut src).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::LengthOverLimit { limit: 3, .. }
    ));
}

#[test]
fn the_decoder_does_not_reserve() {
    let mut codec = Delimited::nul();
    let mut src = BytesMut::with_capacity(8);
    src.extend_from_slice(b"abcdefgh");
    assert_eq!(codec.decode(&mut src).unwrap(), None);
    assert_eq!(src.capacity(), 8);
}

#[test]
fn missing_final_delimiter_is_truncated() {
    let mut codec = Delimited::lines();
    let mut src = BytesMut::from(&b"one\ntwo"[..]);
    assert_eq!(codec.decode_eof(&mut src).unwrap().unwrap(), &b"one"[..]);
    let err = codec.decode_eof(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 3,
            expected: None
        }
    );
}

#[test]
fn lines_strip_one_carriage_return() {
    let mut codec = Delimited::lines();
    let mut src = BytesMut::new();
    let frames = feed(&mut codec, &mut src, b"a\r\n\r\nb\r\r\n\n");
    assert_eq!(
        frames,
        [b"a".to_vec(), b"".to_vec(), b"b\r".to_vec(), b"".to_vec()]
    );
}

#[test]
fn encoder_refuses_payloads_that_would_split() {
    let cases: [(Delimited, &[u8], u64); 5] = [
        (Delimited::new(b"\n"), b"ab\ncd", 2),
        (Delimited::new(b"\r\n"), b"x\r\ny", 1),
        (Delimited::new(b"aa"), b"xa", 1),
        (Delimited::new(b"aba"), b"xab", 1),
        (Delimited::lines(), b"line\r", 4),
    ];
    for (mut codec, payload, at) in cases {
        let mut dst = BytesMut::new();
        let err = codec.encode(payload, &mut dst).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)), "{err}");
        assert_eq!(err.offset(), Some(at), "{payload:?}");
        assert!(dst.is_empty(), "nothing written on error");
    }
    // "b" + "aba" = "baba": the first "aba" is the delimiter itself.
    let mut codec = Delimited::new(b"aba");
    let mut dst = BytesMut::new();
    codec.encode(b"b", &mut dst).unwrap();
    assert_eq!(dst, b"baba"[..]);
    assert_eq!(codec.decode(&mut dst).unwrap().unwrap(), &b"b"[..]);
}

#[test]
fn encoder_limit_excludes_the_delimiter() {
    let mut codec = Delimited::new(b"\r\n").with_limit(2);
    let mut dst = BytesMut::new();
    codec.encode(b"ok", &mut dst).unwrap();
    assert_eq!(dst, b"ok\r\n"[..]);
    let err = codec.encode(b"bad", &mut dst).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 3, limit: 2 });
}

#[test]
#[should_panic(expected = "cannot be empty")]
fn an_empty_delimiter_is_a_programming_error() {
    let _ = Delimited::new(b"");
}
