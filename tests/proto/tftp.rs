//! TFTP packets (RFC 1350) in `net`: the bytes of every packet type as the
//! RFC's figures draw them, round trips through `from_slice` and through a
//! stream read one byte at a time, every truncation, unknown opcodes and
//! strings that cannot be C strings. The packets are the `tftp` example's.

#[path = "../../examples/proto/tftp.rs"]
mod example;

use crate::support::io::ScriptedReader;
use example::{BLOCK_SIZE, MAX_PACKET, OCTET, Packet, TFTP, code};
use netwire::ErrorKind;
use netwire::frame::LengthPrefixed;
use netwire::stream::{MessageReader, MessageWriter};
use quickcheck::{Arbitrary, Gen, QuickCheck};

/// Checks that `packet` encodes to exactly `wire` and decodes back from it.
#[track_caller]
fn vector(packet: Packet, wire: &[u8]) {
    assert_eq!(TFTP.to_vec(&packet).unwrap(), wire, "encoding {packet:?}");
    assert_eq!(TFTP.encoded_len(&packet).unwrap(), wire.len());
    assert_eq!(TFTP.from_slice::<Packet>(wire).unwrap(), packet);
}

fn rrq(filename: &str, mode: &str) -> Packet {
    Packet::Rrq {
        filename: filename.into(),
        mode: mode.into(),
    }
}

fn wrq(filename: &str, mode: &str) -> Packet {
    Packet::Wrq {
        filename: filename.into(),
        mode: mode.into(),
    }
}

fn data(block: u16, data: &[u8]) -> Packet {
    Packet::Data {
        block,
        data: data.to_vec(),
    }
}

/// `parts` back to back.
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

// RFC 1350, section 5, figure 5-1: | 01 or 02 | filename | 0 | mode | 0 |,
// the opcode a 2-byte integer in network byte order (appendix I, "TFTP
// Formats"); modes are any case of "netascii", "octet" or "mail".
#[test]
fn rrq_and_wrq_are_figure_5_1() {
    vector(
        rrq("rfc1350.txt", OCTET),
        &cat(&[&[0, 1], b"rfc1350.txt\0", b"octet\0"]),
    );
    vector(
        wrq("boot/pxelinux.0", "NetAscii"),
        &cat(&[&[0, 2], b"boot/pxelinux.0\0", b"NetAscii\0"]),
    );
    vector(
        wrq("ann@host", "mail"),
        &cat(&[&[0, 2], b"ann@host\0mail\0"]),
    );
    // An empty filename is still a C string: its 0 byte alone.
    vector(rrq("", OCTET), &cat(&[&[0, 1, 0], b"octet\0"]));
}

// Figure 5-2: | 03 | block: 2 bytes | data: 0 to 512 bytes |. Section 6: a
// DATA packet of less than 512 bytes ends the transfer, so an empty one
// ends a file of a multiple of 512 bytes.
#[test]
fn data_is_figure_5_2() {
    vector(data(1, b"abc"), &[0, 3, 0, 1, b'a', b'b', b'c']);
    vector(data(0xabcd, b""), &[0, 3, 0xab, 0xcd]);
    let full: Vec<u8> = (0..BLOCK_SIZE).map(|i| i as u8).collect();
    let wire = TFTP.to_vec(&data(2, &full)).unwrap();
    assert_eq!(wire.len(), MAX_PACKET);
    vector(data(2, &full), &cat(&[&[0, 3, 0, 2], &full]));
}

// Figure 5-3: | 04 | block: 2 bytes |. Section 4: a WRQ is acknowledged
// with block number 0.
#[test]
fn ack_is_figure_5_3() {
    vector(Packet::Ack { block: 0 }, &[0, 4, 0, 0]);
    vector(Packet::Ack { block: 0x1234 }, &[0, 4, 0x12, 0x34]);
    vector(Packet::Ack { block: u16::MAX }, &[0, 4, 0xff, 0xff]);
}

// Figure 5-4: | 05 | error code: 2 bytes | message | 0 |, with the codes
// of appendix I ("Error Codes").
#[test]
fn error_is_figure_5_4_with_the_codes_of_appendix_i() {
    let table = [
        (
            code::NOT_DEFINED,
            0,
            "Not defined, see error message (if any).",
        ),
        (code::FILE_NOT_FOUND, 1, "File not found."),
        (code::ILLEGAL_OPERATION, 4, "Illegal TFTP operation."),
        (code::UNKNOWN_TID, 5, "Unknown transfer ID."),
        (code::FILE_EXISTS, 6, "File already exists."),
    ];
    for (code, value, text) in table {
        vector(
            Packet::error(code, text),
            &cat(&[&[0, 5, 0, value], text.as_bytes(), &[0]]),
        );
    }
    // "2 Access violation": a code with no constant is a number all the same.
    vector(
        Packet::error(2, "Access violation."),
        &cat(&[&[0, 5, 0, 2], b"Access violation.\0"]),
    );
    vector(Packet::error(code::NOT_DEFINED, ""), &[0, 5, 0, 0, 0]);
}

// Section 5 lists opcodes 1 to 5 only.
#[test]
fn unknown_opcodes_are_tag_out_of_range() {
    for (wire, tag) in [
        (&[0u8, 0, 0, 1][..], 0),
        (&[0, 6, 0, 1], 6),
        // RFC 2347's OACK: opcode 6 with options, not spoken here.
        (
            &[0, 6, b'b', b'l', b'k', b's', b'i', b'z', b'e', 0, b'8', 0],
            6,
        ),
        // The opcode is two bytes: 0x01 0x00 is 256, not RRQ.
        (&[1, 0, b'a', 0, b'o', 0], 256),
        (&[0xff, 0xff], 0xffff),
    ] {
        let err = TFTP.from_slice::<Packet>(wire).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::TagOutOfRange { tag, variants: 5 },
            "{wire:?}"
        );
        assert_eq!(err.offset(), Some(0), "{wire:?}");
    }
}

/// A 0 byte would end the string early, so it cannot be encoded; the
/// offset is its position in the string.
#[test]
fn an_embedded_nul_is_invalid_c_string() {
    for (packet, at) in [
        (rrq("evil\0name", OCTET), 4),
        (wrq("\0", OCTET), 0),
        (rrq("name", "oc\0tet"), 2),
        (Packet::error(code::NOT_DEFINED, "bad\0"), 3),
    ] {
        let err = TFTP.to_vec(&packet).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidCString, "{packet:?}");
        assert_eq!(err.offset(), Some(at), "{packet:?}");
        assert!(TFTP.encoded_len(&packet).is_err());
    }
}

/// The data of a DATA packet is the rest of the datagram; every other
/// packet ends where its last field does.
#[test]
fn trailing_bytes_belong_to_data_only() {
    assert_eq!(
        TFTP.from_slice::<Packet>(&[0, 3, 0, 1, 0, 0]).unwrap(),
        data(1, &[0, 0])
    );
    for (wire, used) in [
        (&[0u8, 4, 0, 1, 0][..], 4),
        (&[0, 5, 0, 1, b'x', 0, 0], 6),
        // RFC 2347 options after the mode are not part of figure 5-1.
        (&cat(&[&[0, 1], b"f\0octet\0", b"tsize\0", b"0\0"]), 10),
    ] {
        let err = TFTP.from_slice::<Packet>(wire).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::TrailingBytes, "{wire:?}");
        assert_eq!(err.offset(), Some(used), "{wire:?}");
    }
}

/// With no known end of message there is no "rest": the data of a DATA
/// packet cannot be read from the front of a longer input.
#[test]
fn data_needs_the_datagram_end() {
    let wire = TFTP.to_vec(&data(1, b"abc")).unwrap();
    let err = TFTP.take_from_slice::<Packet>(&wire).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err}");
    let err = TFTP.from_reader::<_, Packet>(&wire[..]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err}");
    // A packet without a rest-of-datagram field reads from a prefix.
    let (ack, rest) = TFTP.take_from_slice::<Packet>(&[0, 4, 0, 9, 0xee]).unwrap();
    assert_eq!((ack, rest), (Packet::Ack { block: 9 }, &[0xee][..]));
}

/// The bytes of `packet`, written by hand from figures 5-1 to 5-4.
fn figure(packet: &Packet) -> Vec<u8> {
    let cstr = |s: &str| cat(&[s.as_bytes(), &[0]]);
    match packet {
        Packet::Rrq { filename, mode } => cat(&[&[0, 1], &cstr(filename), &cstr(mode)]),
        Packet::Wrq { filename, mode } => cat(&[&[0, 2], &cstr(filename), &cstr(mode)]),
        Packet::Data { block, data } => cat(&[&[0, 3], &block.to_be_bytes(), data]),
        Packet::Ack { block } => cat(&[&[0, 4], &block.to_be_bytes()]),
        Packet::Error { code, message } => cat(&[&[0, 5], &code.to_be_bytes(), &cstr(message)]),
    }
}

/// Where each field of `packet` starts in its bytes, the opcode's first.
fn field_starts(packet: &Packet) -> Vec<u64> {
    match packet {
        Packet::Rrq { filename, .. } | Packet::Wrq { filename, .. } => {
            vec![0, 2, 2 + filename.len() as u64 + 1]
        }
        Packet::Data { .. } | Packet::Ack { .. } => vec![0, 2],
        Packet::Error { .. } => vec![0, 2, 4],
    }
}

/// The truncation rule of a datagram. A strict prefix of a packet's bytes
/// is a packet only when it is a DATA packet cut after its 4-byte header:
/// the same block with the data cut short (a datagram's length is all
/// that bounds the data, so a cut block reads as a short one). Every
/// other strict prefix is `UnexpectedEnd` at the start of the field it cuts
/// (a C string is cut until its 0 byte has arrived).
fn truncations_hold(packet: &Packet) -> bool {
    let wire = figure(packet);
    let starts = field_starts(packet);
    (0..wire.len()).all(|cut| {
        let got = TFTP.from_slice::<Packet>(&wire[..cut]);
        match (packet, got) {
            (Packet::Data { block, data }, Ok(Packet::Data { block: b, data: d })) if cut >= 4 => {
                b == *block && d == data[..cut - 4]
            }
            (_, Err(err)) => {
                let field = starts.iter().rev().find(|&&s| s <= cut as u64).copied();
                let ok = err.kind() == &ErrorKind::UnexpectedEnd && err.offset() == field;
                if !ok {
                    eprintln!("{packet:?} cut at {cut}: {err:?}, field at {field:?}");
                }
                ok
            }
            (_, Ok(other)) => {
                eprintln!("{packet:?} cut at {cut} decoded as {other:?}");
                false
            }
        }
    })
}

#[test]
fn every_truncation_of_the_figures() {
    let packets = [
        rrq("rfc1350.txt", OCTET),
        wrq("", "mail"),
        data(1, b"abc"),
        data(7, b""),
        Packet::Ack { block: 3 },
        Packet::error(code::FILE_NOT_FOUND, "File not found."),
        Packet::error(code::NOT_DEFINED, ""),
    ];
    for packet in &packets {
        assert!(truncations_hold(packet), "{packet:?}");
    }
}

/// A string with no 0 byte in it.
fn c_string(g: &mut Gen) -> String {
    String::arbitrary(g).replace('\0', "")
}

fn no_nul(s: &str) -> bool {
    !s.contains('\0')
}

impl Arbitrary for Packet {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 5 {
            0 => Packet::Rrq {
                filename: c_string(g),
                mode: any_mode(g),
            },
            1 => Packet::Wrq {
                filename: c_string(g),
                mode: any_mode(g),
            },
            2 => {
                // The edges of section 6 (empty, full, one short), or any.
                let any = usize::arbitrary(g) % BLOCK_SIZE;
                let len = *g.choose(&[0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, any]).unwrap();
                Packet::Data {
                    block: u16::arbitrary(g),
                    data: (0..len).map(|_| u8::arbitrary(g)).collect(),
                }
            }
            3 => Packet::Ack {
                block: u16::arbitrary(g),
            },
            _ => Packet::Error {
                code: u16::arbitrary(g),
                message: c_string(g),
            },
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Packet>> {
        match self.clone() {
            Packet::Rrq { filename, mode } => Box::new(
                (filename, mode)
                    .shrink()
                    .filter(|(f, m)| no_nul(f) && no_nul(m))
                    .map(|(filename, mode)| Packet::Rrq { filename, mode }),
            ),
            Packet::Wrq { filename, mode } => Box::new(
                (filename, mode)
                    .shrink()
                    .filter(|(f, m)| no_nul(f) && no_nul(m))
                    .map(|(filename, mode)| Packet::Wrq { filename, mode }),
            ),
            Packet::Data { block, data } => Box::new(
                (block, data)
                    .shrink()
                    .map(|(block, data)| Packet::Data { block, data }),
            ),
            Packet::Ack { block } => Box::new(block.shrink().map(|block| Packet::Ack { block })),
            Packet::Error { code, message } => Box::new(
                (code, message)
                    .shrink()
                    .filter(|(_, m)| no_nul(m))
                    .map(|(code, message)| Packet::Error { code, message }),
            ),
        }
    }
}

/// The modes of section 5 in any case, or any other string (the wire does
/// not care; a server answers an unknown mode with an ERROR).
fn any_mode(g: &mut Gen) -> String {
    match u8::arbitrary(g) % 4 {
        0 => c_string(g),
        _ => {
            let mode = *g.choose(&["netascii", "octet", "mail"]).unwrap();
            mode.chars()
                .map(|c| match bool::arbitrary(g) {
                    true => c.to_ascii_uppercase(),
                    false => c,
                })
                .collect()
        }
    }
}

const CASES: u64 = 1000;

#[test]
fn quickcheck_packets_are_their_figures() {
    fn prop(packet: Packet) -> bool {
        let wire = TFTP.to_vec(&packet).unwrap();
        wire == figure(&packet) && TFTP.from_slice::<Packet>(&wire).unwrap() == packet
    }
    QuickCheck::new()
        .tests(CASES)
        .quickcheck(prop as fn(Packet) -> bool);
}

#[test]
fn quickcheck_every_truncation() {
    fn prop(packet: Packet) -> bool {
        truncations_hold(&packet)
    }
    // Each case decodes every prefix: fewer cases than the others.
    QuickCheck::new()
        .tests(CASES / 4)
        .quickcheck(prop as fn(Packet) -> bool);
}

/// Datagrams carried on a byte stream, one `u16`-length frame each (as in
/// a capture file): the writer's bytes are the frames of the figures, and
/// a reader fed one byte per `read` gives the packets back.
#[test]
fn quickcheck_packets_through_a_stream_one_byte_per_read() {
    fn prop(packets: Vec<Packet>) -> bool {
        let mut tx = MessageWriter::with_encoding(Vec::new(), LengthPrefixed::u16(), TFTP);
        for packet in &packets {
            tx.write(packet).unwrap();
        }
        tx.flush().unwrap();
        let expected: Vec<u8> = packets
            .iter()
            .flat_map(|p| {
                let bytes = figure(p);
                cat(&[&(bytes.len() as u16).to_be_bytes(), &bytes])
            })
            .collect();
        if tx.get_ref() != &expected {
            return false;
        }
        let mut rx = MessageReader::with_encoding(
            ScriptedReader::one_byte(&expected),
            LengthPrefixed::u16(),
            TFTP,
        );
        let back: Vec<Packet> = rx.messages().collect::<netwire::Result<_>>().unwrap();
        back == packets
    }
    QuickCheck::new()
        .tests(CASES / 4)
        .quickcheck(prop as fn(Vec<Packet>) -> bool);
}
