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
use netwire::frame::{AsciiLength, Delimited, FrameEncoder, LengthField, LengthPrefixed};
use netwire::net::Config;
use netwire_fuzz::framing::Input;
use netwire_fuzz::framings::NAMES;
use netwire_fuzz::{
    Borrowed, Event, Loan, Message, Piece, ascii_config, net_config, sample_messages, schedule,
};

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

/// `net_room`: sequences long enough that most elements have room, under
/// the default settings and under u16 lengths and tags.
fn room_seeds() {
    use netwire_fuzz::room::{Named, Record, Shape, Triangle};
    let records: Vec<Record> = (0..12u8)
        .map(|i| Record {
            shape: [
                Shape::Dot(u16::from(i)),
                Shape::Rect { w: 7, h: 9 },
                Shape::Empty,
            ][usize::from(i % 3)],
            flag: i % 2 == 0,
            letter: char::from(b'a' + i),
            maybe: (i % 4 != 0).then_some(u64::from(i)),
            pair: (-(i as i8), u64::from(i) << 40),
            small: i,
        })
        .collect();
    let triangles: Vec<Triangle> = (0..8i32)
        .map(|i| Triangle {
            vertices: [[i, -i, i * 3], [1, 2, 3], [i << 20, 0, -1]],
            normal: [0, 1, i as u32],
        })
        .collect();
    let named: Vec<Named<'_>> = ["a", "bc", "", "long enough to leave the room"]
        .iter()
        .enumerate()
        .map(|(i, name)| Named {
            name,
            id: i as u32,
            bytes: &b"\x00\x01\x02"[..i.min(3)],
        })
        .collect();
    for sel in [0x00u8, 0x06] {
        let config = net_config(sel);
        let seeds = [
            ("records", config.to_vec(&records)),
            ("triangles", config.to_vec(&triangles)),
            ("named", config.to_vec(&named)),
        ];
        for (name, bytes) in seeds {
            let mut seed = vec![sel];
            seed.extend(bytes.expect("sample encodes"));
            write("net_room", &format!("{name}-{sel:02x}"), &seed);
        }
    }
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
    room_seeds();
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
    // Setting 0x0c31: the field at offset 1, 4 bytes, big-endian,
    // adjustment 12 - 16 = -4: PostgreSQL's 'Q' and 'Z' messages.
    let pg = LengthField::new()
        .length_field_offset(1)
        .length_adjustment(-4);
    let pg = frames(pg, &[b"Q\0\0\0\x02hi", b"ZI"]);
    write(
        "frame_length_field",
        "postgres",
        &framing_seed(0x0c31, &[3, 1], &pg),
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
    new_target_seeds(&messages);
    println!("seed corpora written under corpus/");
}

/// A selection byte, then a `schedule::Input`: setting, no EOF point, a
/// schedule of small reads with an `Interrupted` and a `WouldBlock`, and
/// the bytes; checked to parse back as the targets will see it.
fn selected_stream_seed(sel: u8, setting: u8, data: &[u8]) -> Vec<u8> {
    let schedule: &[u8] = &[0x03, 0xe0, 0x00, 0xf0, 0x0f, 0x90, 0x01];
    let mut out = vec![sel, setting, 0xff, 0xff];
    for b in schedule {
        out.extend([1, *b]);
    }
    out.push(0);
    out.extend_from_slice(data);
    let parsed = schedule::Input::parse(&out[1..]).expect("seed parses");
    assert_eq!(
        (parsed.setting, parsed.steps.len(), &parsed.data[..]),
        (setting, schedule.len(), data)
    );
    out
}

/// The `net` or `ascii` encodings of `values`, framed by pick `setting`
/// of `netwire_fuzz::framings` (only the picks used below).
fn framed_by_pick<T: serde::Serialize>(setting: u8, ascii: bool, values: &[T]) -> Vec<u8> {
    let mut wire = BytesMut::new();
    for v in values {
        let payload = if ascii {
            netwire::ascii::to_vec(v).expect("sample encodes")
        } else {
            netwire::net::to_vec(v).expect("sample encodes")
        };
        match NAMES[usize::from(setting)] {
            "length-u32" => LengthPrefixed::u32().encode(&payload, &mut wire),
            "ascii-length-4" => AsciiLength::digits(4).encode(&payload, &mut wire),
            "length-u16-with-header" => LengthPrefixed::u16()
                .length_includes_header(true)
                .encode(&payload, &mut wire),
            "delimited-crlf" => Delimited::new(b"\r\n").encode(&payload, &mut wire),
            "self-delimited" => {
                wire.extend_from_slice(&payload);
                Ok(())
            }
            other => panic!("no seed framing for {other}"),
        }
        .expect("sample frames");
    }
    wire.to_vec()
}

fn pick_of(name: &str) -> u8 {
    NAMES
        .iter()
        .position(|n| *n == name)
        .expect("a framing name") as u8
}

/// Seeds of the stream, codec, reader and writer targets.
fn new_target_seeds(messages: &[Message]) {
    let events = &messages[1].events;
    let units = [(), (), ()];
    // stream_framings and codec_schedule: selection bit 2 is ascii, bits
    // 3-4 the type (0 Event, 1 unit).
    // (seed, selection, framing, ascii, units rather than events)
    let cases = [
        ("net-events-u32", 0x00, "length-u32", false, false),
        (
            "ascii-events-self-delimited",
            0x04,
            "self-delimited",
            true,
            false,
        ),
        ("net-events-retrying", 0x00, "self-delimited", false, false),
        ("ascii-events-crlf", 0x04, "delimited-crlf", true, false),
        (
            "net-units-u16-with-header",
            0x08,
            "length-u16-with-header",
            false,
            true,
        ),
        ("ascii-units-decimal", 0x0c, "ascii-length-4", true, true),
    ];
    for (name, sel, framing, ascii, unit) in cases {
        let pick = pick_of(framing);
        let data = if unit {
            framed_by_pick(pick, ascii, &units)
        } else {
            framed_by_pick(pick, ascii, events)
        };
        let seed = selected_stream_seed(sel, pick, &data);
        write("stream_framings", name, &seed);
        write("codec_schedule", name, &seed);
    }

    // stream_read_borrowed: bit 2 ascii, bit 3 the rich `Borrowed`.
    let loans = [
        Loan {
            name: "a",
            raw: b"\x00\n",
            note: Some("n"),
            words: vec!["x", "yz"],
        },
        Loan {
            name: "",
            raw: b"",
            note: None,
            words: vec![],
        },
    ];
    let borrowed = Borrowed {
        name: "name",
        bytes: b"\x01",
        cow: "cow".into(),
        parts: vec!["p"],
        attrs: [("k", 1)].into_iter().collect(),
        pieces: vec![Piece::Text("t")],
        inner: None,
    };
    let u32_pick = pick_of("length-u32");
    let decimal = pick_of("ascii-length-4");
    write(
        "stream_read_borrowed",
        "net-loans-u32",
        &selected_stream_seed(0x00, u32_pick, &framed_by_pick(u32_pick, false, &loans)),
    );
    write(
        "stream_read_borrowed",
        "ascii-loans-decimal",
        &selected_stream_seed(0x04, decimal, &framed_by_pick(decimal, true, &loans)),
    );
    write(
        "stream_read_borrowed",
        "net-borrowed-u32",
        &selected_stream_seed(
            0x08,
            u32_pick,
            &framed_by_pick(u32_pick, false, &[borrowed]),
        ),
    );

    // from_reader_schedule: bit 0 ascii, bit 1 configured, bits 2-3 type
    // (0 Message, 1 Event); the setting byte is the configuration's.
    let net_messages: Vec<u8> = messages
        .iter()
        .flat_map(|m| netwire::net::to_vec(m).expect("sample encodes"))
        .collect();
    let ascii_messages: Vec<u8> = messages
        .iter()
        .flat_map(|m| netwire::ascii::to_vec(m).expect("sample encodes"))
        .collect();
    let ascii_events: Vec<u8> = events
        .iter()
        .flat_map(|e| ascii_config(0x01).to_vec(e).expect("sample encodes"))
        .collect();
    let net_events: Vec<u8> = events
        .iter()
        .flat_map(|e| net_config(0x0b).to_vec(e).expect("sample encodes"))
        .collect();
    write(
        "from_reader_schedule",
        "net-messages",
        &selected_stream_seed(0x00, 0x00, &net_messages),
    );
    write(
        "from_reader_schedule",
        "ascii-messages",
        &selected_stream_seed(0x01, 0x00, &ascii_messages),
    );
    write(
        "from_reader_schedule",
        "net-events-0b",
        &selected_stream_seed(0x06, 0x0b, &net_events),
    );
    write(
        "from_reader_schedule",
        "ascii-events-01",
        &selected_stream_seed(0x07, 0x01, &ascii_events),
    );

    // writer_schedule: framing pick, config, flags (bit 0 messages, bit 1
    // ascii, bit 2 vectored across buffers), a script, the operations
    // (payloads: kind byte, length, bytes; kind 3 a large payload of
    // length word and first byte; 7 a flush).
    let script: &[u8] = &[0x03, 0xe8, 0x83, 0xf0, 0xe0, 0x05, 0x90, 0xec, 0x01];
    let writer_seed = |pick: u8, sel: u8, flags: u8, ops: &[u8]| {
        let mut out = vec![pick, sel, flags];
        for b in script {
            out.extend([1, *b]);
        }
        out.push(0);
        out.extend_from_slice(ops);
        out
    };
    let payload_ops: &[u8] = &[
        0, 5, b'h', b'e', b'l', b'l', b'o', 5, 3, b'a', b'b', b'c', 3, 0x10, 0x02, 7, 7, 1, 0,
    ];
    for name in [
        "length-u32",
        "delimited-crlf",
        "self-delimited",
        "ascii-length-4",
    ] {
        let seed = writer_seed(pick_of(name), 0, 0x04, payload_ops);
        write("writer_schedule", &format!("frames-{name}"), &seed);
    }
    // Messages: the operations are `arbitrary`'s reading of the bytes.
    let message_ops: Vec<u8> = (0u8..96).map(|i| i.wrapping_mul(37)).collect();
    for (name, flags) in [("length-u32", 0x05), ("self-delimited", 0x07)] {
        let seed = writer_seed(pick_of(name), 0, flags, &message_ops);
        write("writer_schedule", &format!("messages-{name}"), &seed);
    }
}
