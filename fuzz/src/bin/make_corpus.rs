//! Writes the committed seed corpora: `cargo run --bin make_corpus` from
//! the `fuzz` directory (re)creates `corpus/<target>/seed-*`.
//!
//! Seeds are valid inputs of each target: `net` encodings of the sample
//! messages (after the settings byte where the target reads one), and for
//! the framing targets a settings word, a chunk schedule and a valid frame
//! stream, checked to parse back as the target will see it.

use std::fs;
use std::path::Path;

use bytes::BytesMut;
use netwire::frame::{AsciiLength, Delimited, FrameEncoder, LengthPrefixed};
use netwire::net::Config;
use netwire_fuzz::framing::Input;
use netwire_fuzz::{Borrowed, Event, Piece, ascii_config, net_config, sample_messages};

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("corpus").join(target);
    fs::create_dir_all(&dir).expect("create the corpus directory");
    fs::write(dir.join(format!("seed-{name}")), bytes).expect("write a seed");
}

/// The bytes a framing target parses into `setting`, `chunks` and `data`.
fn framing_seed(setting: u16, chunks: &[u16], data: &[u8]) -> Vec<u8> {
    let mut out = setting.to_le_bytes().to_vec();
    for c in chunks {
        out.push(1);
        out.extend_from_slice(&c.to_le_bytes());
    }
    out.push(0);
    out.extend_from_slice(data);
    let parsed = Input::parse(&out).expect("seed parses");
    assert_eq!(
        (parsed.setting, &parsed.chunks[..], &parsed.data[..]),
        (setting, chunks, data)
    );
    out
}

fn frames<E: FrameEncoder>(mut codec: E, payloads: &[&[u8]]) -> Vec<u8> {
    let mut wire = BytesMut::new();
    for p in payloads {
        codec.encode(p, &mut wire).expect("sample payload encodes");
    }
    wire.to_vec()
}

fn main() {
    let messages = sample_messages();
    let borrowed = Borrowed {
        name: "name",
        bytes: b"\x00\x01",
        cow: "cow".into(),
        parts: vec!["a", "bc"],
        attrs: [("k", 1)].into_iter().collect(),
        pieces: vec![
            Piece::Text("t"),
            Piece::Raw(b"r"),
            Piece::Pair {
                key: "k",
                value: None,
            },
        ],
        inner: Some(Box::new(messages[1].clone())),
    };
    // Settings bytes: the defaults (1 MiB limit), u64 lengths with u32 tags,
    // u16 lengths with u16 tags.
    for sel in [0x00u8, 0x0b, 0x06] {
        let config = net_config(sel);
        for (i, m) in messages.iter().enumerate() {
            let mut seed = vec![sel];
            seed.extend(config.to_vec(m).expect("sample encodes"));
            write("net_from_slice", &format!("message-{sel:02x}-{i}"), &seed);
        }
        let mut seed = vec![sel];
        seed.extend(config.to_vec(&borrowed).expect("sample encodes"));
        write("net_from_slice", &format!("borrowed-{sel:02x}"), &seed);
    }
    for (i, m) in messages.iter().enumerate() {
        let bytes = Config::new().to_vec(m).expect("sample encodes");
        write("net_roundtrip", &format!("message-{i}"), &bytes);
        let legacy = Config::bincode_legacy().to_vec(m).expect("sample encodes");
        write("net_vs_bincode", &format!("message-{i}"), &legacy);
    }
    let legacy = Config::bincode_legacy()
        .to_vec(&borrowed)
        .expect("sample encodes");
    write("net_vs_bincode", "borrowed", &legacy);

    let payloads: [&[u8]; 3] = [b"hello", b"", b"a\x00b"];
    let chunks = [1, 3, 0, 7];
    // Setting 0x0002: u32 lengths, no adjustment in bits 3..8 (16 - 16 = 0).
    let lp = frames(LengthPrefixed::u32(), &payloads);
    write(
        "frame_length_prefixed",
        "u32",
        &framing_seed(0x0082, &chunks, &lp),
    );
    let lines = frames(Delimited::new(b"\n"), &[b"one", b"two", b""]);
    write(
        "frame_delimited",
        "lines",
        &framing_seed(0x0000, &chunks, &lines),
    );
    write(
        "frame_fixed",
        "len4",
        &framing_seed(0x0003, &chunks, b"abcdefgh"),
    );
    let ascii = frames(AsciiLength::digits(5), &payloads);
    write(
        "frame_ascii_length",
        "digits5",
        &framing_seed(0x0004, &chunks, &ascii),
    );
    write(
        "frame_until_close",
        "text",
        &framing_seed(0x0000, &chunks, b"GET / HTTP/1.0\r\n\r\n"),
    );
    let typed = [
        &[1u8][..],
        &[2, 0, 0, 0, 0],
        &[3, 2, b'h', b'i'],
        &[4, 0, 1, b'x'],
    ]
    .concat();
    write(
        "frame_by_type",
        "table",
        &framing_seed(0x0001, &chunks, &typed),
    );
    let header = [&[0u8, 7, 0, 0, 0, 2][..], b"hi", &[0, 1, 0, 0, 0, 0]].concat();
    write(
        "frame_header",
        "kind-len",
        &framing_seed(0x0000, &chunks, &header),
    );
    // ascii: the default settings (1 MiB limit) and a 4 KiB limit.
    for sel in [0x00u8, 0x01] {
        let config = ascii_config(sel);
        for (i, m) in messages.iter().enumerate() {
            let mut seed = vec![sel];
            seed.extend(config.to_vec(m).expect("sample encodes"));
            write("ascii_from_slice", &format!("message-{sel:02x}-{i}"), &seed);
        }
        let mut seed = vec![sel];
        seed.extend(config.to_vec(&borrowed).expect("sample encodes"));
        write("ascii_from_slice", &format!("borrowed-{sel:02x}"), &seed);
    }
    for (i, m) in messages.iter().enumerate() {
        let text = netwire::ascii::to_vec(m).expect("sample encodes");
        write("ascii_roundtrip", &format!("message-{i}"), &text);
    }

    // Streams of events: setting, EOF point (none), a schedule, the bytes.
    let events = &messages[1].events;
    let schedule: &[u8] = &[0x03, 0xe0, 0x00, 0xf0, 0x0f, 0x90];
    let stream_seed = |setting: u8, data: &[u8]| {
        let mut out = vec![setting, 0xff, 0xff];
        for b in schedule {
            out.extend([1, *b]);
        }
        out.push(0);
        out.extend_from_slice(data);
        out
    };
    let mut net_stream = Vec::new();
    let mut ascii_stream = Vec::new();
    let mut framed = BytesMut::new();
    for e in events {
        let bytes = netwire::net::to_vec::<Event>(e).expect("sample encodes");
        LengthPrefixed::u16()
            .encode(&bytes, &mut framed)
            .expect("frame");
        net_stream.extend(bytes);
        ascii_stream.extend(netwire::ascii::to_vec::<Event>(e).expect("sample encodes"));
    }
    write(
        "stream_schedule",
        "self-delimited-net",
        &stream_seed(0x00, &net_stream),
    );
    write(
        "stream_schedule",
        "self-delimited-ascii",
        &stream_seed(0x08, &ascii_stream),
    );
    write(
        "stream_schedule",
        "length-prefixed-net",
        &stream_seed(0x01, &framed),
    );
    write(
        "stream_schedule",
        "lines-ascii",
        &stream_seed(0x0b, &ascii_stream),
    );
    println!("seed corpora written under corpus/");
}
