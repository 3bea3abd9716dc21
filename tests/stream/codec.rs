//! The `tokio` feature: the framings and encodings as
//! `tokio_util::codec::{Decoder, Encoder}`.
#![cfg(feature = "tokio")]

use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use netwire::ErrorKind;
use netwire::codec::{FrameCodec, MessageCodec};
use netwire::frame::{Delimited, LengthPrefixed};
use netwire::message::SelfDelimited;
use serde::{Deserialize, Serialize};
use tokio_util::codec::{Decoder, Encoder, FramedRead, FramedWrite};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Msg {
    Hello { name: String, version: u16 },
    Data(Vec<u32>),
    Bye,
}

fn messages() -> Vec<Msg> {
    (0..50u32)
        .map(|i| match i % 3 {
            0 => Msg::Hello {
                name: format!("peer-{i}"),
                version: i as u16,
            },
            1 => Msg::Data((0..i).collect()),
            _ => Msg::Bye,
        })
        .collect()
}

#[tokio::test]
async fn framed_write_and_read_over_a_tiny_duplex_pipe() {
    // A 7-byte pipe: every frame arrives in pieces.
    let (near, far) = tokio::io::duplex(7);
    let sent = messages();
    let to_send = sent.clone();
    let writer = tokio::spawn(async move {
        // Sending borrowed messages: a codec of `&Msg` on the writing side.
        let mut tx = FramedWrite::new(near, MessageCodec::<&Msg, _>::new(LengthPrefixed::u16()));
        for m in &to_send {
            tx.send(m).await.unwrap();
        }
        tx.close().await.unwrap();
    });
    let mut rx = FramedRead::new(far, MessageCodec::<Msg, _>::new(LengthPrefixed::u16()));
    let mut got = Vec::new();
    while let Some(m) = rx.next().await {
        got.push(m.unwrap());
    }
    writer.await.unwrap();
    assert_eq!(got, sent);
}

#[tokio::test]
async fn self_delimited_messages_through_framed_read() {
    let (near, far) = tokio::io::duplex(5);
    let sent = messages();
    let to_send = sent.clone();
    let writer = tokio::spawn(async move {
        let mut tx = FramedWrite::new(near, MessageCodec::<Msg, _>::new(SelfDelimited::retrying()));
        for m in to_send {
            tx.send(m).await.unwrap();
        }
        tx.close().await.unwrap();
    });
    let rx = FramedRead::new(far, MessageCodec::<Msg, _>::new(SelfDelimited::retrying()));
    let got: Vec<Msg> = rx.map(|m| m.unwrap()).collect().await;
    writer.await.unwrap();
    assert_eq!(got, sent);
}

#[test]
fn decoding_byte_by_byte_without_a_runtime() {
    let sent = messages();
    let mut codec = MessageCodec::<Msg, _>::new(LengthPrefixed::u32());
    let mut wire = BytesMut::new();
    for m in &sent {
        codec.encode(m.clone(), &mut wire).unwrap();
    }
    let mut buf = BytesMut::new();
    let mut got = Vec::new();
    for &b in wire.iter() {
        buf.extend_from_slice(&[b]);
        while let Some(m) = codec.decode(&mut buf).unwrap() {
            got.push(m);
        }
    }
    assert_eq!(codec.decode_eof(&mut buf).unwrap(), None);
    assert_eq!(got, sent);
}

#[test]
fn codec_errors_carry_stream_offsets() {
    let mut codec = FrameCodec::new(Delimited::new(b"\n").with_limit(4));
    let mut buf = BytesMut::from(&b"ab\ncd\n"[..]);
    assert_eq!(codec.decode(&mut buf).unwrap().unwrap(), &b"ab"[..]);
    assert_eq!(codec.decode(&mut buf).unwrap().unwrap(), &b"cd"[..]);
    buf.extend_from_slice(b"toolong");
    let e = codec.decode(&mut buf).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::LengthOverLimit { .. }),
        "{e:?}"
    );
    // The over-long frame starts after the 6 bytes already taken.
    assert!(e.offset().unwrap() >= 6, "{e:?}");

    // Truncated at the end, located in the stream.
    let mut codec = FrameCodec::new(LengthPrefixed::u8());
    let mut buf = BytesMut::from(&[1, b'x', 5, b'a'][..]);
    assert_eq!(codec.decode(&mut buf).unwrap().unwrap(), &b"x"[..]);
    let e = codec.decode_eof(&mut buf).unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::Truncated {
            received: 2,
            expected: Some(6)
        }
    );
    assert_eq!(e.offset(), Some(2));
}

#[test]
fn encoder_errors_leave_the_buffer_untouched() {
    let mut codec = FrameCodec::new(LengthPrefixed::u8());
    let mut wire = BytesMut::from(&b"kept"[..]);
    let e = codec.encode(&[0u8; 300][..], &mut wire).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::LengthOverLimit { .. } | ErrorKind::LengthOverflow { .. }
        ),
        "{e:?}"
    );
    assert_eq!(&wire[..], b"kept");
}

#[tokio::test]
async fn raw_frames_through_framed_read_and_write() {
    let (near, far) = tokio::io::duplex(3);
    let writer = tokio::spawn(async move {
        let mut tx = FramedWrite::new(near, FrameCodec::new(Delimited::lines()));
        for line in [&b"first"[..], b"", b"third"] {
            tx.send(line).await.unwrap();
        }
        SinkExt::<&[u8]>::close(&mut tx).await.unwrap();
    });
    let rx = FramedRead::new(far, FrameCodec::new(Delimited::lines()));
    let lines: Vec<_> = rx.map(|f| f.unwrap()).collect().await;
    writer.await.unwrap();
    assert_eq!(lines, [&b"first"[..], b"", b"third"]);
}
