//! A PostgreSQL-protocol exchange over TCP on 127.0.0.1: a toy server and
//! a client, speaking the start of protocol 3.0.
//!
//! The client sends the StartupMessage (no type byte; its `Int32` length
//! at offset 0) and both sides move on to typed messages (a type byte,
//! then the `Int32` length) with `map_framing`, so no byte read past the
//! startup message is lost. The server answers AuthenticationOk and
//! ReadyForQuery; the client sends two queries. The server answers
//! `SELECT 1` with ReadyForQuery only (it runs nothing) and anything else
//! with an ErrorResponse of three fields, then ReadyForQuery. The client
//! says Terminate, and the server sees the stream end.
//!
//! No message type has a length field: [`LengthField`] reads each length
//! to find where a message ends and writes it from the encoded message.
//! The messages are in `proto/postgres.rs`.
//!
//! Run with `cargo run --example postgres`; it exits by itself, with a
//! non-zero status when anything fails.

#[path = "proto/postgres.rs"]
mod proto;

use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use netwire::frame::LengthField;
use netwire::net::{Config, TagTable};
use netwire::stream::{MessageReader, MessageWriter};
use proto::{Auth, Backend, Field, Frontend, PG, Startup, framing, startup_framing};

/// How long either side waits for the other before giving up.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Serves one connection; returns the queries it received.
fn serve(listener: TcpListener) -> netwire::Result<Vec<String>> {
    let (stream, _) = listener.accept()?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    let rx = MessageReader::with_encoding(stream.try_clone()?, startup_framing(), PG);
    let mut tx = MessageWriter::with_encoding(stream, framing(), PG);
    let mut rx = {
        let mut rx = rx;
        let startup: Startup = rx.read()?.expect("a startup message");
        assert_eq!(startup.protocol, proto::PROTOCOL_3_0);
        assert_eq!(startup.params[0].name, "user");
        rx.map_framing(|_| framing())
    };
    tx.write(&Backend::Authentication(Auth::Ok))?;
    tx.write(&Backend::ReadyForQuery(b'I'))?;
    let mut queries = Vec::new();
    while let Some(message) = rx.read::<Frontend>()? {
        match message {
            Frontend::Query(sql) => {
                if sql != "SELECT 1" {
                    tx.write(&Backend::ErrorResponse(vec![
                        Field::new(b'S', "ERROR"),
                        Field::new(b'C', "42601"),
                        Field::new(b'M', "syntax error"),
                    ]))?;
                }
                tx.write(&Backend::ReadyForQuery(b'I'))?;
                queries.push(sql);
            }
            Frontend::Terminate => break,
        }
    }
    // After Terminate the client closes: the stream ends between messages.
    assert_eq!(rx.read::<Frontend>()?, None);
    Ok(queries)
}

/// Reads the next backend message, which must be there.
fn next(
    rx: &mut MessageReader<TcpStream, LengthField, Config<TagTable>>,
) -> netwire::Result<Backend> {
    Ok(rx.read::<Backend>()?.expect("the server answers"))
}

fn main() -> netwire::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || serve(listener));

    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    let mut rx = MessageReader::with_encoding(stream.try_clone()?, framing(), PG);
    let tx = MessageWriter::with_encoding(stream, startup_framing(), PG);
    let mut tx = {
        let mut tx = tx;
        tx.write(&Startup::new(&[("user", "alice"), ("database", "demo")]))?;
        tx.map_framing(|_| framing())
    };

    assert_eq!(next(&mut rx)?, Backend::Authentication(Auth::Ok));
    assert_eq!(next(&mut rx)?, Backend::ReadyForQuery(b'I'));

    tx.write(&Frontend::Query("SELECT 1".into()))?;
    assert_eq!(next(&mut rx)?, Backend::ReadyForQuery(b'I'));

    tx.write(&Frontend::Query("SELEC 1".into()))?;
    let Backend::ErrorResponse(fields) = next(&mut rx)? else {
        panic!("an error for a bad query");
    };
    let message = fields
        .iter()
        .find(|f| f.code == b'M')
        .expect("a message field");
    println!("server: {} (SQLSTATE 42601)", message.value);
    assert_eq!(next(&mut rx)?, Backend::ReadyForQuery(b'I'));

    tx.write(&Frontend::Terminate)?;
    drop(tx);
    drop(rx);

    let queries = server.join().expect("server thread")?;
    assert_eq!(queries, ["SELECT 1", "SELEC 1"]);
    println!("postgres: startup, 2 queries, 1 error response, terminate: ok");
    Ok(())
}
