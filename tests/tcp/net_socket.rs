//! `net` over a real TCP connection on 127.0.0.1: messages written with
//! `to_writer` come back one `from_reader` call at a time, whatever the
//! segmentation, and each call stops exactly at its message's end.

use std::io::{BufReader, Write};
use std::thread;

use crate::support::tcp::pair;
use netwire::net;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Msg {
    Hello { name: String, version: u16 },
    Data(Vec<u32>),
    Bye,
}

fn messages() -> Vec<Msg> {
    vec![
        Msg::Hello {
            name: "client ☃".into(),
            version: 3,
        },
        Msg::Data((0..500).collect()),
        Msg::Data(vec![]),
        Msg::Bye,
    ]
}

#[test]
#[cfg_attr(miri, ignore = "too slow or unsupported under Miri")]
fn messages_arrive_one_by_one_over_tcp() {
    let (mut client, server) = pair();
    let writer = thread::spawn(move || {
        for m in messages() {
            net::to_writer(&mut client, &m).unwrap();
        }
        // The peer closes after the last message.
    });
    let mut reader = BufReader::new(server);
    for expected in messages() {
        let got: Msg = net::from_reader(&mut reader).unwrap();
        assert_eq!(got, expected);
    }
    writer.join().unwrap();
    // The stream is now at its end: decoding another message reports an
    // unexpected end at offset 0, not garbage.
    let err = net::from_reader::<_, Msg>(&mut reader).unwrap_err();
    assert!(err.is_eof(), "{err:?}");
    assert_eq!(err.offset(), Some(0));
}

#[test]
#[cfg_attr(miri, ignore = "too slow or unsupported under Miri")]
fn unbuffered_socket_split_into_single_bytes() {
    let (mut client, mut server) = pair();
    let writer = thread::spawn(move || {
        let mut bytes = Vec::new();
        for m in messages() {
            bytes.extend(net::to_vec(&m).unwrap());
        }
        // Push the bytes one at a time so the reader sees tiny segments.
        client.set_nodelay(true).unwrap();
        for b in bytes.chunks(1).take(64) {
            client.write_all(b).unwrap();
        }
        client.write_all(&bytes[64.min(bytes.len())..]).unwrap();
    });
    for expected in messages() {
        let got: Msg = net::from_reader(&mut server).unwrap();
        assert_eq!(got, expected);
    }
    writer.join().unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "too slow or unsupported under Miri")]
fn connection_closed_mid_message_is_an_unexpected_end() {
    let (mut client, server) = pair();
    let bytes = net::to_vec(&Msg::Data(vec![1, 2, 3])).unwrap();
    client.write_all(&bytes[..bytes.len() - 2]).unwrap();
    drop(client);
    let err = net::from_reader::<_, Msg>(server).unwrap_err();
    assert!(err.is_eof(), "{err:?}");
    // The third u32 starts at 1 (tag) + 4 (count) + 8 = 13.
    assert_eq!((err.offset(), err.needed()), (Some(13), Some(17)));
}
