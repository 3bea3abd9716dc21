//! `ascii` messages over a real TCP connection on 127.0.0.1: `from_reader`
//! takes exactly one message per call, whatever the pieces the bytes arrive
//! in, buffered or not.

use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use netwire::ascii;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
enum Msg {
    Ping(u32),
    Chat { room: u16, text: String },
    Blob(#[serde(with = "serde_bytes")] Vec<u8>),
    Bye,
}

fn messages() -> Vec<Msg> {
    let mut out = Vec::new();
    for i in 0..40u32 {
        out.push(Msg::Ping(i * 1000));
        out.push(Msg::Chat {
            room: i as u16,
            text: format!("line {i}\nwith a newline and spaces  "),
        });
        out.push(Msg::Blob(
            (0..=255u8).cycle().take(i as usize * 97).collect(),
        ));
    }
    out.push(Msg::Bye);
    out
}

/// Connects a pair of sockets; the writer sends every message in two
/// writes split at an odd place, so reads end mid-token.
fn connected(msgs: Vec<Msg>) -> (TcpStream, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let writer = thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket.set_nodelay(true).unwrap();
        for (i, msg) in msgs.iter().enumerate() {
            let bytes = ascii::to_vec(msg).unwrap();
            let cut = (i * 7 + 3) % bytes.len();
            socket.write_all(&bytes[..cut]).unwrap();
            socket.flush().unwrap();
            socket.write_all(&bytes[cut..]).unwrap();
        }
    });
    let stream = TcpStream::connect(addr).unwrap();
    // A guard against a hang, not a timing assertion.
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    (stream, writer)
}

#[test]
fn buffered_socket_reads_message_by_message() {
    let msgs = messages();
    let (stream, writer) = connected(msgs.clone());
    let mut reader = BufReader::new(stream);
    for want in &msgs {
        let got: Msg = ascii::from_reader(&mut reader).unwrap();
        assert_eq!(&got, want);
    }
    writer.join().unwrap();
    // The connection is closed after the last message: nothing is left.
    let err = ascii::from_reader::<_, Msg>(&mut reader).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&netwire::ErrorKind::UnexpectedEnd, Some(0))
    );
}

#[test]
fn unbuffered_socket_reads_message_by_message() {
    let msgs: Vec<Msg> = messages().into_iter().take(12).collect();
    let (mut stream, writer) = connected(msgs.clone());
    for want in &msgs {
        let got: Msg = ascii::from_reader(&mut stream).unwrap();
        assert_eq!(&got, want);
    }
    writer.join().unwrap();
}
