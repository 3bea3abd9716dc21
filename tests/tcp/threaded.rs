//! Real TCP on 127.0.0.1: the socket HOWTO's accept loop with a thread per
//! client, clients that write their frames in 1–7 byte pieces.

use std::io::Write;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;

use crate::support::tcp::bounded;
use netwire::frame::LengthPrefixed;
use netwire::stream::{MessageReader, MessageWriter};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Msg {
    Ping(u32),
    Text(String),
    Blob(#[serde(with = "serde_bytes")] Vec<u8>),
}

const CLIENTS: usize = 4;
const MESSAGES: u32 = 60;
fn messages(client: usize) -> Vec<Msg> {
    (0..MESSAGES)
        .map(|i| match i % 3 {
            0 => Msg::Ping(i * 1000 + client as u32),
            1 => Msg::Text(format!("client {client} says {i}")),
            _ => Msg::Blob(vec![i as u8; (i as usize * 7) % 50]),
        })
        .collect()
}

/// Echoes every message back; returns how many it echoed.
fn serve(stream: TcpStream) -> netwire::Result<usize> {
    bounded(&stream);
    let mut rx = MessageReader::new(stream.try_clone()?, LengthPrefixed::u32());
    let mut tx = MessageWriter::new(stream, LengthPrefixed::u32());
    let mut count = 0;
    while let Some(msg) = rx.read::<Msg>()? {
        tx.write(&msg)?;
        count += 1;
    }
    tx.flush()?;
    Ok(count)
}

fn client(addr: std::net::SocketAddr, id: usize) -> Vec<Msg> {
    let mut stream = TcpStream::connect(addr).unwrap();
    bounded(&stream);
    stream.set_nodelay(true).unwrap();
    // Frame everything into memory, then dribble it out in small pieces so
    // the server sees headers and bodies split across reads.
    let sent = messages(id);
    let mut wire = MessageWriter::new(Vec::new(), LengthPrefixed::u32());
    for m in &sent {
        wire.queue(m).unwrap();
    }
    wire.flush().unwrap();
    let wire = wire.into_inner();
    let mut at = 0;
    let mut piece = id;
    while at < wire.len() {
        piece = piece % 7 + 1;
        let end = (at + piece).min(wire.len());
        stream.write_all(&wire[at..end]).unwrap();
        stream.flush().unwrap();
        at = end;
    }
    stream.shutdown(Shutdown::Write).unwrap();
    let rx = MessageReader::new(stream, LengthPrefixed::u32());
    let echoed: Vec<Msg> = rx.into_messages().collect::<netwire::Result<_>>().unwrap();
    assert_eq!(echoed, sent);
    echoed
}

#[test]
fn accept_loop_echoes_every_message_of_every_client() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let mut handlers = Vec::new();
        for _ in 0..CLIENTS {
            let (stream, _) = listener.accept().unwrap();
            handlers.push(thread::spawn(move || serve(stream)));
        }
        handlers
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect::<Vec<_>>()
    });
    let clients: Vec<_> = (0..CLIENTS)
        .map(|id| thread::spawn(move || client(addr, id)))
        .collect();
    for c in clients {
        assert_eq!(c.join().unwrap().len(), MESSAGES as usize);
    }
    assert_eq!(server.join().unwrap(), vec![MESSAGES as usize; CLIENTS]);
}
