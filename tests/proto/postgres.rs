//! PostgreSQL messages (the "Message Formats" chapter of the PostgreSQL
//! documentation) framed by `LengthField`: the bytes of each message as
//! the chapter gives them, with the length written by the framing and no
//! length in any type; the same bytes read one byte at a time; the
//! startup message in its own framing before the others.

#[path = "../../examples/proto/postgres.rs"]
mod example;

use crate::support::io::ScriptedReader;
use bytes::BytesMut;
use example::{Auth, Backend, Field, Frontend, PG, Startup, framing, startup_framing};
use netwire::ErrorKind;
use netwire::message::{MessageDecoder, MessageEncoder};
use netwire::stream::{MessageReader, MessageWriter};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Checks that `message` in `framing` is exactly `wire`, and that `wire`
/// decodes back to it, from a buffer and from a reader giving one byte
/// at a time.
#[track_caller]
fn vector<T>(framing: netwire::frame::LengthField, message: T, wire: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let mut encoder = MessageEncoder::with_encoding(framing.clone(), PG);
    let mut dst = BytesMut::new();
    encoder.encode(&message, &mut dst).unwrap();
    assert_eq!(&dst[..], wire, "encoding {message:?}");

    let mut decoder = MessageDecoder::with_encoding(framing.clone(), PG);
    let (decoded, used) = decoder.decode::<T>(wire);
    assert_eq!(decoded.unwrap().as_ref(), Some(&message));
    assert_eq!(used, wire.len());

    let reader = ScriptedReader::one_byte(wire);
    let mut rx = MessageReader::with_encoding(reader, framing, PG);
    assert_eq!(rx.read::<T>().unwrap().as_ref(), Some(&message));
    assert_eq!(rx.read::<T>().unwrap(), None);
}

#[test]
fn startup_message() {
    // Int32 length (32, itself included), Int32 196608, then
    // "user\0alice\0database\0db\0" and the closing 0.
    let mut wire = vec![0, 0, 0, 32, 0, 3, 0, 0];
    wire.extend_from_slice(b"user\0alice\0database\0db\0\0");
    let startup = Startup::new(&[("user", "alice"), ("database", "db")]);
    vector(startup_framing(), startup, &wire);
}

#[test]
fn query_and_terminate() {
    vector(
        framing(),
        Frontend::Query("SELECT 1".into()),
        b"Q\0\0\0\x0dSELECT 1\0",
    );
    vector(framing(), Frontend::Terminate, b"X\0\0\0\x04");
}

#[test]
fn authentication_messages() {
    // AuthenticationOk: Byte1('R'), Int32(8), Int32(0).
    vector(
        framing(),
        Backend::Authentication(Auth::Ok),
        &[b'R', 0, 0, 0, 8, 0, 0, 0, 0],
    );
    // AuthenticationCleartextPassword: Byte1('R'), Int32(8), Int32(3).
    vector(
        framing(),
        Backend::Authentication(Auth::CleartextPassword),
        &[b'R', 0, 0, 0, 8, 0, 0, 0, 3],
    );
    // AuthenticationMD5Password: Byte1('R'), Int32(12), Int32(5), Byte4 salt.
    vector(
        framing(),
        Backend::Authentication(Auth::Md5Password([1, 2, 3, 4])),
        &[b'R', 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4],
    );
}

#[test]
fn ready_for_query() {
    // Byte1('Z'), Int32(5), Byte1('I'): idle, not in a transaction.
    vector(framing(), Backend::ReadyForQuery(b'I'), b"Z\0\0\0\x05I");
}

#[test]
fn error_response() {
    let fields = vec![
        Field::new(b'S', "ERROR"),
        Field::new(b'C', "42601"),
        Field::new(b'M', "syntax error"),
    ];
    let mut wire = vec![b'E', 0, 0, 0, 33];
    wire.extend_from_slice(b"SERROR\0C42601\0Msyntax error\0\0");
    vector(framing(), Backend::ErrorResponse(fields), &wire);
}

#[test]
fn a_conversation_reads_back_in_order_after_the_startup_framing() {
    let mut tx = MessageWriter::with_encoding(Vec::new(), startup_framing(), PG);
    tx.write(&Startup::new(&[("user", "u")])).unwrap();
    let mut tx = tx.map_framing(|_| framing());
    tx.write(&Frontend::Query("SELECT 1".into())).unwrap();
    tx.write(&Frontend::Terminate).unwrap();
    tx.flush().unwrap();
    let wire = tx.into_inner();

    let mut rx = MessageReader::with_encoding(&wire[..], startup_framing(), PG);
    let startup: Startup = rx.read().unwrap().unwrap();
    assert_eq!(startup.params[0].value, "u");
    let mut rx = rx.map_framing(|_| framing());
    assert_eq!(
        rx.read::<Frontend>().unwrap(),
        Some(Frontend::Query("SELECT 1".into()))
    );
    assert_eq!(rx.read::<Frontend>().unwrap(), Some(Frontend::Terminate));
    assert_eq!(rx.read::<Frontend>().unwrap(), None);
}

#[test]
fn an_unknown_type_byte_is_an_error_and_the_frame_is_skipped() {
    // 'D' (DataRow) is not a Backend variant here; its frame is consumed,
    // and the ReadyForQuery after it still reads.
    let wire = b"D\0\0\0\x06\0\0Z\0\0\0\x05I";
    let mut rx = MessageReader::with_encoding(&wire[..], framing(), PG);
    let err = rx.read::<Backend>().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::TagOutOfRange { .. }),
        "{err:?}"
    );
    assert_eq!(err.offset(), Some(0));
    assert_eq!(
        rx.read::<Backend>().unwrap(),
        Some(Backend::ReadyForQuery(b'I'))
    );
}

#[test]
fn a_length_shorter_than_itself_is_refused_at_the_field() {
    let mut rx = MessageReader::with_encoding(&b"Z\0\0\0\x03I"[..], framing(), PG);
    let err = rx.read::<Backend>().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeader(_)), "{err:?}");
    assert_eq!(err.offset(), Some(1));
}
