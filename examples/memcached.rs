//! The memcached binary protocol over TCP on 127.0.0.1: a toy cache
//! server and a client.
//!
//! The client GETs a key the server does not have (status 0x0001, "Not
//! found"), SETs it with flags 0xdeadbeef, and GETs it again: the answer
//! carries the flags in its extras, the value, and the item's cas. Each
//! answer echoes its request's opaque. The client then closes, and the
//! server sees the stream end between packets.
//!
//! The packet's total body length is the framing's
//! ([`LengthField`](netwire::frame::LengthField) at offset 8 of the
//! header), written from each encoded packet and read to find where each
//! one ends. The key and extras lengths are fields of the packet (see
//! `proto/memcached.rs` for why), set by `Packet::new` and checked by
//! `Packet::parts`.
//!
//! Run with `cargo run --example memcached`; it exits by itself, with a
//! non-zero status when anything fails.

#[path = "proto/memcached.rs"]
mod proto;

use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use netwire::stream::{MessageReader, MessageWriter};
use proto::{Packet, REQUEST, RESPONSE, framing, opcode, status};

/// How long either side waits for the other before giving up.
const TIMEOUT: Duration = Duration::from_secs(5);

/// An item: its flags, value and cas.
type Item = (u32, Vec<u8>, u64);

/// The answer to one request, from and to `store`.
fn answer(request: &Packet, store: &mut HashMap<Vec<u8>, Item>, next_cas: &mut u64) -> Packet {
    let parts = request.parts().expect("lengths that fit the body");
    let mut response = match request.opcode {
        opcode::GET => match store.get(parts.key) {
            Some((flags, value, cas)) => {
                let mut hit = Packet::new(
                    RESPONSE,
                    opcode::GET,
                    status::OK,
                    &flags.to_be_bytes(),
                    &[],
                    value,
                );
                hit.cas = *cas;
                hit
            }
            None => Packet::new(
                RESPONSE,
                opcode::GET,
                status::KEY_NOT_FOUND,
                &[],
                &[],
                b"Not found",
            ),
        },
        opcode::SET => {
            // Extras: flags u32, expiration u32.
            let flags =
                u32::from_be_bytes(parts.extras[..4].try_into().expect("8 bytes of extras"));
            *next_cas += 1;
            store.insert(parts.key.to_vec(), (flags, parts.value.to_vec(), *next_cas));
            let mut stored = Packet::new(RESPONSE, opcode::SET, status::OK, &[], &[], &[]);
            stored.cas = *next_cas;
            stored
        }
        _ => unreachable!("the client sends GET and SET only"),
    };
    response.opaque = request.opaque;
    response
}

/// Serves one connection; returns how many requests it answered.
fn serve(listener: TcpListener) -> netwire::Result<usize> {
    let (stream, _) = listener.accept()?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    let mut rx = MessageReader::new(stream.try_clone()?, framing());
    let mut tx = MessageWriter::new(stream, framing());
    let mut store = HashMap::new();
    let mut cas = 0;
    let mut answered = 0;
    while let Some(request) = rx.read::<Packet>()? {
        assert_eq!(request.magic, REQUEST);
        tx.write(&answer(&request, &mut store, &mut cas))?;
        answered += 1;
    }
    Ok(answered)
}

fn main() -> netwire::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || serve(listener));

    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    let mut rx = MessageReader::new(stream.try_clone()?, framing());
    let mut tx = MessageWriter::new(stream, framing());
    let mut ask = |mut request: Packet, opaque: u32| -> netwire::Result<Packet> {
        request.opaque = opaque;
        tx.write(&request)?;
        let response: Packet = rx.read()?.expect("the server answers");
        assert_eq!((response.magic, response.opaque), (RESPONSE, opaque));
        Ok(response)
    };

    let get = Packet::new(REQUEST, opcode::GET, 0, &[], b"Hello", &[]);
    let miss = ask(get.clone(), 1)?;
    assert_eq!(miss.status, status::KEY_NOT_FOUND);
    assert_eq!(miss.parts().unwrap().value, b"Not found");

    let extras = [0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0];
    let set = Packet::new(REQUEST, opcode::SET, 0, &extras, b"Hello", b"World");
    let stored = ask(set, 2)?;
    assert_eq!((stored.status, stored.cas), (status::OK, 1));

    let hit = ask(get, 3)?;
    let parts = hit.parts().unwrap();
    assert_eq!(hit.status, status::OK);
    assert_eq!(parts.extras, [0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(parts.value, b"World");
    assert_eq!(hit.cas, 1);
    println!(
        "memcached: GET Hello -> {:?}, flags {:02x?}, cas {}",
        String::from_utf8_lossy(parts.value),
        parts.extras,
        hit.cas
    );

    // Closing both handles of the socket ends the server's stream.
    drop((tx, rx));
    let answered = server.join().expect("server thread")?;
    assert_eq!(answered, 3);
    println!("memcached: miss, set, hit over 127.0.0.1: ok");
    Ok(())
}
