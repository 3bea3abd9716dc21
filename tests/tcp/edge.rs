//! Real TCP on 127.0.0.1: a peer that vanishes mid-frame, a blocking read
//! that times out in the middle of a message, and a request/response whose
//! request ends with `shutdown(Write)`.

use std::io::Write;
use std::net::Shutdown;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::support::tcp::{TIMEOUT, pair};
use netwire::frame::{LengthPrefixed, UntilClose};
use netwire::stream::{MessageReader, MessageWriter};
use netwire::{Error, ErrorKind};

fn timed_out(e: &Error) -> bool {
    use std::io::ErrorKind::{TimedOut, WouldBlock};
    matches!(e.kind(), ErrorKind::Io(WouldBlock | TimedOut))
}

#[test]
fn peer_closing_mid_frame_is_truncated_with_counts() {
    let (mut client, server) = pair();
    let mut wire = MessageWriter::new(Vec::new(), LengthPrefixed::u32());
    wire.write(&"complete").unwrap();
    wire.write(&"cut short").unwrap();
    let wire = wire.into_inner();
    // First frame: 4 + 4 + 8 = 16 bytes. Second: 4 + 4 + 9 = 17; send 10.
    assert_eq!(wire.len(), 33);
    let writer = thread::spawn(move || {
        client.write_all(&wire[..16 + 10]).unwrap();
        // Dropping the socket closes it.
    });
    let mut rx = MessageReader::new(server, LengthPrefixed::u32());
    assert_eq!(rx.read::<String>().unwrap().as_deref(), Some("complete"));
    let e = rx.read::<String>().unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::Truncated {
            received: 10,
            expected: Some(17)
        }
    );
    assert_eq!(e.offset(), Some(16));
    assert_eq!(
        e.to_string(),
        "stream ended inside a frame: 10 of its 17 bytes (header included) arrived at byte offset 16"
    );
    writer.join().unwrap();
}

#[test]
fn read_timeout_mid_message_then_the_same_message_continues() {
    let (mut client, server) = pair();
    let mut wire = MessageWriter::new(Vec::new(), LengthPrefixed::u32());
    wire.write(&(42u64, "hello over a slow link")).unwrap();
    let wire = wire.into_inner();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let writer = thread::spawn(move || {
        // The header and part of the body, then wait.
        client.write_all(&wire[..7]).unwrap();
        go_rx.recv_timeout(TIMEOUT).unwrap();
        client.write_all(&wire[7..]).unwrap();
    });

    server
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut rx = MessageReader::new(server, LengthPrefixed::u32());
    // The rest cannot arrive before we say so: the read must time out
    // (WouldBlock on Unix, TimedOut on Windows), bytes kept.
    let e = rx.read::<(u64, String)>().unwrap_err();
    assert!(timed_out(&e), "{e}");
    assert!(e.io_error().is_some());
    go_tx.send(()).unwrap();
    rx.get_mut().set_read_timeout(Some(TIMEOUT)).unwrap();
    assert_eq!(
        rx.read::<(u64, String)>().unwrap(),
        Some((42, "hello over a slow link".to_string()))
    );
    writer.join().unwrap();
}

#[test]
fn request_then_shutdown_write_then_response() {
    let (client, server) = pair();
    let server = thread::spawn(move || {
        let mut rx = MessageReader::new(server.try_clone().unwrap(), LengthPrefixed::u16());
        let mut tx = MessageWriter::new(server, LengthPrefixed::u16());
        // Every request until the client's shutdown(Write), then one reply.
        let total: u64 = rx.messages::<u64>().map(|r| r.unwrap()).sum();
        tx.write(&total).unwrap();
        tx.flush().unwrap();
    });
    let mut tx = MessageWriter::new(client.try_clone().unwrap(), LengthPrefixed::u16());
    for n in 1..=100u64 {
        tx.queue(&n).unwrap();
    }
    tx.flush().unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut rx = MessageReader::new(client, LengthPrefixed::u16());
    assert_eq!(rx.read::<u64>().unwrap(), Some(5050));
    assert_eq!(rx.read::<u64>().unwrap(), None);
    server.join().unwrap();
}

#[test]
fn until_close_request_and_response() {
    // The HOWTO's HTTP/1.0 shape: the request is everything the client
    // sends before shutdown(Write); the response everything before close.
    let (client, server) = pair();
    let server = thread::spawn(move || {
        let mut rx = MessageReader::new(server.try_clone().unwrap(), UntilClose::new());
        let request: Vec<String> = rx.read().unwrap().expect("one request");
        assert_eq!(rx.read::<Vec<String>>().unwrap(), None);
        let mut tx = MessageWriter::new(server, UntilClose::new());
        let reply: Vec<usize> = request.iter().map(String::len).collect();
        tx.write(&reply).unwrap();
        tx.flush().unwrap();
        tx.get_ref().shutdown(Shutdown::Write).unwrap();
    });
    let request: Vec<String> = (0..500).map(|i| "w".repeat(i % 17)).collect();
    let mut tx = MessageWriter::new(client.try_clone().unwrap(), UntilClose::new());
    tx.write(&request).unwrap();
    tx.flush().unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut rx = MessageReader::new(client, UntilClose::new());
    let reply: Vec<usize> = rx.read().unwrap().unwrap();
    assert_eq!(reply, request.iter().map(String::len).collect::<Vec<_>>());
    assert_eq!(rx.read::<Vec<usize>>().unwrap(), None);
    server.join().unwrap();
}
