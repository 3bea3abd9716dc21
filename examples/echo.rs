//! A threaded echo server and its clients over 127.0.0.1.
//!
//! The server is the socket HOWTO's accept loop with one thread per client;
//! each client sends a few typed requests, then `shutdown(Write)`, and reads
//! the answers until the server closes. Framing: a u32 length header;
//! encoding: `net` (network byte order). Every socket has a read timeout,
//! so a vanished peer cannot hang a thread.
//!
//! Run with `cargo run --example echo`; it exits by itself.

use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use netwire::frame::LengthPrefixed;
use netwire::stream::{MessageReader, MessageWriter};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug)]
enum Request {
    Echo(String),
    Add(i64, i64),
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Response {
    Echoed(String),
    Sum(i64),
}

const CLIENTS: usize = 3;
const TIMEOUT: Duration = Duration::from_secs(5);

/// Answers every request of one connection until the client shuts down its
/// writing side.
fn handle(stream: TcpStream) -> netwire::Result<usize> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let mut rx = MessageReader::new(stream.try_clone()?, LengthPrefixed::u32());
    let mut tx = MessageWriter::new(stream, LengthPrefixed::u32());
    let mut served = 0;
    // `Ok(None)`: the client closed cleanly between two messages.
    while let Some(request) = rx.read::<Request>()? {
        let response = match request {
            Request::Echo(text) => Response::Echoed(text),
            Request::Add(a, b) => Response::Sum(a.saturating_add(b)),
        };
        tx.write(&response)?;
        served += 1;
    }
    tx.flush()?;
    Ok(served)
}

fn client(addr: SocketAddr, id: i64) -> netwire::Result<()> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let mut tx = MessageWriter::new(stream.try_clone()?, LengthPrefixed::u32());
    // Queue the requests, send them in one go, then say "no more".
    tx.queue(&Request::Echo(format!("hello from client {id}")))?;
    tx.queue(&Request::Add(id, 40))?;
    tx.flush()?;
    stream.shutdown(Shutdown::Write)?;

    let rx = MessageReader::new(stream, LengthPrefixed::u32());
    for response in rx.into_messages::<Response>() {
        println!("client {id}: {:?}", response?);
    }
    Ok(())
}

fn main() -> netwire::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    println!("server on {addr}");

    let server = thread::spawn(move || -> netwire::Result<()> {
        let mut handlers = Vec::new();
        for _ in 0..CLIENTS {
            let (stream, peer) = listener.accept()?;
            handlers.push(thread::spawn(move || (peer, handle(stream))));
        }
        for h in handlers {
            let (peer, served) = h.join().expect("handler thread");
            println!("server: {peer} done after {} request(s)", served?);
        }
        Ok(())
    });

    let clients: Vec<_> = (0..CLIENTS as i64)
        .map(|id| thread::spawn(move || client(addr, id)))
        .collect();
    for c in clients {
        c.join().expect("client thread")?;
    }
    server.join().expect("server thread")?;
    Ok(())
}
