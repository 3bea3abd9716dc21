//! The memcached binary protocol framed by `LengthField`: the GET request
//! and response of the protocol's own examples, byte for byte, with the
//! total body length written by the framing; bodies whose key and extras
//! lengths do not add up; a header announcing more than the limit.

#[path = "../../examples/proto/memcached.rs"]
mod example;

use crate::support::io::ScriptedReader;
use bytes::BytesMut;
use example::{BadLengths, Packet, Parts, REQUEST, RESPONSE, framing, opcode, status};
use netwire::ErrorKind;
use netwire::message::{MessageDecoder, MessageEncoder};
use netwire::stream::MessageReader;

#[track_caller]
fn vector(packet: Packet, wire: &[u8]) {
    let mut dst = BytesMut::new();
    MessageEncoder::new(framing())
        .encode(&packet, &mut dst)
        .unwrap();
    assert_eq!(&dst[..], wire, "encoding {packet:?}");
    let (decoded, used) = MessageDecoder::new(framing()).decode::<Packet>(wire);
    assert_eq!(decoded.unwrap(), Some(packet.clone()));
    assert_eq!(used, wire.len());
    let mut rx = MessageReader::new(ScriptedReader::one_byte(wire), framing());
    assert_eq!(rx.read::<Packet>().unwrap(), Some(packet));
    assert_eq!(rx.read::<Packet>().unwrap(), None);
}

#[test]
fn get_request_for_hello() {
    let wire = [
        0x80, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x48, 0x65, 0x6c, 0x6c, 0x6f,
    ];
    let get = Packet::new(REQUEST, opcode::GET, 0, &[], b"Hello", &[]);
    vector(get.clone(), &wire);
    let parts = Parts {
        extras: &[],
        key: b"Hello",
        value: &[],
    };
    assert_eq!(get.parts(), Ok(parts));
}

#[test]
fn get_response_with_flags_and_value() {
    // The spec's answer to the GET above: flags 0xdeadbeef in the extras,
    // no key, value "World", cas 1.
    let wire = [
        0x81, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x57, 0x6f,
        0x72, 0x6c, 0x64,
    ];
    let mut hit = Packet::new(
        RESPONSE,
        opcode::GET,
        status::OK,
        &[0xde, 0xad, 0xbe, 0xef],
        &[],
        b"World",
    );
    hit.cas = 1;
    vector(hit.clone(), &wire);
    let parts = hit.parts().unwrap();
    assert_eq!(parts.extras, [0xde, 0xad, 0xbe, 0xef]);
    assert_eq!((parts.key, parts.value), (&[][..], &b"World"[..]));
}

#[test]
fn lengths_in_the_header_that_overrun_the_body_are_caught_by_parts() {
    let mut get = Packet::new(REQUEST, opcode::GET, 0, &[], b"Hello", &[]);
    get.key_len = 6;
    assert_eq!(get.parts(), Err(BadLengths));
    get.key_len = 5;
    get.extras_len = 1;
    assert_eq!(get.parts(), Err(BadLengths), "1 + 5 > 5");
}

#[test]
fn a_body_length_over_the_limit_is_refused_from_the_header() {
    let mut header = [0u8; 24];
    header[0] = 0x80;
    header[8..12].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
    let mut rx = MessageReader::new(&header[..], framing().with_limit(1 << 16));
    let err = rx.read::<Packet>().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::LengthOverLimit { .. }),
        "{err:?}"
    );
    assert_eq!(err.offset(), Some(8), "at the total body length");
}

#[test]
fn a_header_cut_short_is_truncated() {
    let wire = [0x80, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
    let mut rx = MessageReader::new(&wire[..], framing());
    let err = rx.read::<Packet>().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Truncated { received: 10, .. }),
        "{err:?}"
    );
}
