//! One thread, many non-blocking sockets, driven by readiness (mio).
//!
//! A listener and `CLIENTS` client sockets share one `Poll`. Every socket
//! is non-blocking, so every read and write may stop with `WouldBlock` in
//! the middle of a message; the netwire readers and writers keep what they
//! have and carry on at the next readiness event. Each client sends
//! `REQUESTS` requests and waits for as many answers, then closes.
//!
//! Run with `cargo run --example nonblocking`; it exits by itself.

use std::collections::HashMap;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use netwire::frame::LengthPrefixed;
use netwire::stream::{MessageReader, MessageWriter};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug)]
struct Request {
    id: u32,
    numbers: Vec<u32>,
}

#[derive(Serialize, Deserialize, Debug)]
struct Response {
    id: u32,
    sum: u64,
}

const CLIENTS: usize = 16;
const REQUESTS: u32 = 50;
const LISTENER: Token = Token(0);
const SERVER_BASE: usize = 1_000;

type Framing = LengthPrefixed;

/// One end of a connection: a reader and a writer on the same socket.
struct Conn {
    rx: MessageReader<TcpStream, Framing>,
    tx: MessageWriter<TcpStream, Framing>,
}

impl Conn {
    /// Splits a socket into a reader and a writer (two handles, one socket)
    /// and registers it for both directions.
    fn new(stream: TcpStream, poll: &Poll, token: Token) -> io::Result<Conn> {
        let std_stream = std::net::TcpStream::from(stream);
        let mut read_half = TcpStream::from_std(std_stream.try_clone()?);
        let write_half = TcpStream::from_std(std_stream);
        poll.registry().register(
            &mut read_half,
            token,
            Interest::READABLE | Interest::WRITABLE,
        )?;
        Ok(Conn {
            rx: MessageReader::new(read_half, LengthPrefixed::u32()),
            tx: MessageWriter::new(write_half, LengthPrefixed::u32()),
        })
    }
}

/// `Ok(true)` when the operation finished, `Ok(false)` when the socket is
/// not ready (`WouldBlock`, or `TimedOut` where a platform says so).
fn done(result: netwire::Result<()>) -> netwire::Result<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(e) if e.is_transient() => Ok(false),
        Err(e) => Err(e),
    }
}

struct Client {
    conn: Conn,
    sent: bool,
    answers: u32,
    closed: bool,
}

fn main() -> netwire::Result<()> {
    let mut poll = Poll::new()?;
    let mut listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    let addr = listener.local_addr()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;

    let mut clients = HashMap::new();
    for i in 0..CLIENTS {
        let token = Token(1 + i);
        let conn = Conn::new(TcpStream::connect(addr)?, &poll, token)?;
        let client = Client {
            conn,
            sent: false,
            answers: 0,
            closed: false,
        };
        clients.insert(token, client);
    }
    let mut servers: HashMap<Token, Conn> = HashMap::new();
    let mut next_server = SERVER_BASE;
    let mut served = 0u64;

    let mut events = Events::with_capacity(256);
    while clients.values().any(|c| !c.closed) || !servers.is_empty() {
        poll.poll(&mut events, Some(Duration::from_secs(5)))?;
        if events.is_empty() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "no progress").into());
        }
        for event in events.iter() {
            let token = event.token();
            if token == LISTENER {
                // Accept everything that is waiting.
                loop {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let t = Token(next_server);
                            next_server += 1;
                            servers.insert(t, Conn::new(stream, &poll, t)?);
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e.into()),
                    }
                }
            } else if let Some(conn) = servers.get_mut(&token) {
                // Server side: answer every complete request, then send.
                let mut finished = false;
                loop {
                    match conn.rx.read::<Request>() {
                        Ok(Some(req)) => {
                            let sum = req.numbers.iter().map(|&n| u64::from(n)).sum();
                            conn.tx.queue(&Response { id: req.id, sum })?;
                            served += 1;
                        }
                        Ok(None) => {
                            finished = true;
                            break;
                        }
                        Err(e) if e.is_transient() => break,
                        Err(e) => return Err(e),
                    }
                }
                // Unsent bytes stay queued until the next writable event.
                if done(conn.tx.flush())? && finished {
                    servers.remove(&token);
                }
            } else if let Some(client) = clients.get_mut(&token) {
                if client.closed {
                    continue;
                }
                if !client.sent && event.is_writable() {
                    for id in 0..REQUESTS {
                        let numbers = (0..id).collect();
                        client.conn.tx.queue(&Request { id, numbers })?;
                    }
                    client.sent = true;
                }
                done(client.conn.tx.flush())?;
                loop {
                    match client.conn.rx.read::<Response>() {
                        Ok(Some(resp)) => {
                            let expected: u64 = (0..u64::from(resp.id)).sum();
                            assert_eq!(resp.sum, expected);
                            client.answers += 1;
                        }
                        Ok(None) => break,
                        Err(e) if e.is_transient() => break,
                        Err(e) => return Err(e),
                    }
                }
                if client.answers == REQUESTS && client.conn.tx.pending() == 0 {
                    client.conn.tx.get_ref().shutdown(Shutdown::Both)?;
                    client.closed = true;
                }
            }
        }
    }
    println!("{CLIENTS} clients, {served} requests answered on one thread");
    Ok(())
}
