//! Real TCP on 127.0.0.1: non-blocking sockets driven by mio, reading and
//! writing messages with `WouldBlock` in the middle of a message.

use std::io::Write;
use std::net::Shutdown;
use std::sync::mpsc;
use std::thread;

use crate::support::tcp::{TIMEOUT, pair};
use mio::net::TcpStream as MioStream;
use mio::{Events, Interest, Poll, Token};
use netwire::frame::LengthPrefixed;
use netwire::stream::{FrameReader, MessageReader, MessageWriter};
use netwire::{Error, ErrorKind};

fn would_block(e: &Error) -> bool {
    e.kind() == &ErrorKind::Io(std::io::ErrorKind::WouldBlock)
}

#[test]
fn mio_reader_resumes_the_same_message_after_would_block() {
    let (mut client, server) = pair();
    let messages: Vec<(u32, String)> = (0..50).map(|i| (i, "x".repeat(i as usize))).collect();
    let mut wire = MessageWriter::new(Vec::new(), LengthPrefixed::u16());
    let mut cut = 0;
    for (i, m) in messages.iter().enumerate() {
        wire.queue(m).unwrap();
        if i == 24 {
            // Inside message 25: its 2-byte header and 3 of its 33 body bytes.
            cut = wire.pending() + 2 + 3;
        }
    }
    wire.flush().unwrap();
    let wire = wire.into_inner();

    let (saw_block_tx, saw_block_rx) = mpsc::channel::<()>();
    let writer = thread::spawn(move || {
        client.write_all(&wire[..cut]).unwrap();
        // Wait until the reader has hit WouldBlock with the cut message
        // half-read, then send the rest.
        saw_block_rx.recv_timeout(TIMEOUT).unwrap();
        client.write_all(&wire[cut..]).unwrap();
        client.shutdown(Shutdown::Write).unwrap();
    });

    server.set_nonblocking(true).unwrap();
    let mut sock = MioStream::from_std(server);
    let mut poll = Poll::new().unwrap();
    poll.registry()
        .register(&mut sock, Token(0), Interest::READABLE)
        .unwrap();
    let mut events = Events::with_capacity(8);
    let mut rx = MessageReader::new(sock, LengthPrefixed::u16());
    let mut got = Vec::new();
    let mut blocked_mid_message = false;
    'outer: for _ in 0..10_000 {
        poll.poll(&mut events, Some(TIMEOUT)).unwrap();
        assert!(!events.is_empty(), "no readiness within the timeout");
        // Edge-triggered: drain until WouldBlock.
        loop {
            match rx.read::<(u32, String)>() {
                Ok(Some(m)) => got.push(m),
                Ok(None) => break 'outer,
                Err(e) if would_block(&e) => {
                    if !blocked_mid_message && !rx.buffer().is_empty() {
                        blocked_mid_message = true;
                        saw_block_tx.send(()).unwrap();
                    }
                    break;
                }
                Err(e) => panic!("{e}"),
            }
        }
    }
    writer.join().unwrap();
    assert!(blocked_mid_message);
    assert_eq!(got, messages);
}

#[test]
fn writer_keeps_a_large_frame_queued_on_a_full_socket() {
    let (client, server) = pair();
    // 4 MiB: more than the socket buffers hold, so a non-blocking write
    // stops with WouldBlock part-way through.
    let big = vec![0xa5u8; 4 << 20];
    client.set_nonblocking(true).unwrap();
    let mut tx = MessageWriter::new(client, LengthPrefixed::u32());
    // Queued, so `Ok`, though the socket took only part of it.
    tx.write(&serde_bytes::Bytes::new(&big)).unwrap();
    assert!(tx.pending() > 0, "4 MiB cannot fit in the socket buffers");
    // Nothing more is queued while that waits: a retry is safe.
    let e = tx.write(&0u8).unwrap_err();
    assert!(would_block(&e), "{e}");
    let sent_before = tx.position();

    let reader = thread::spawn(move || {
        let mut rx = FrameReader::new(server, LengthPrefixed::u32().with_limit(8 << 20));
        let frame = rx.read_frame().unwrap().unwrap();
        assert_eq!(rx.read_frame().unwrap(), None);
        frame
    });
    let mut poll = Poll::new().unwrap();
    let mut sock = mio::net::TcpStream::from_std(tx.get_ref().try_clone().unwrap());
    poll.registry()
        .register(&mut sock, Token(1), Interest::WRITABLE)
        .unwrap();
    let mut events = Events::with_capacity(8);
    let mut retries = 0;
    while let Err(e) = tx.flush() {
        assert!(would_block(&e), "{e}");
        retries += 1;
        assert!(retries < 100_000);
        poll.poll(&mut events, Some(TIMEOUT)).unwrap();
    }
    assert!(tx.position() > sent_before);
    assert_eq!(tx.pending(), 0);
    tx.get_ref().shutdown(Shutdown::Write).unwrap();
    let frame = reader.join().unwrap();
    // Payload: the net encoding of a byte string, u32 length + bytes.
    assert_eq!(frame.len(), 4 + big.len());
    assert_eq!(&frame[..4], (big.len() as u32).to_be_bytes());
    assert!(frame[4..] == big[..]);
}
