//! The BitTorrent peer wire protocol (BEP 3, "peer protocol") in `net`:
//! the handshake and every message as BEP 3 describes their bytes, round
//! trips through `from_slice` and through a stream read one byte at a time
//! (handshake, switch of framing, keep-alives), every truncation, and
//! unknown message IDs. The types are the `peer_wire` example's.

#[path = "../../examples/proto/peer_wire.rs"]
mod example;

use std::io::Read;

use crate::support::io::ScriptedReader;
use example::{BLOCK_LEN, Frame, HANDSHAKE_LEN, Handshake, MAX_PAYLOAD, Message, PROTOCOL, WIRE};
use netwire::ErrorKind;
use netwire::frame::{FixedLength, LengthPrefixed};
use netwire::stream::{MessageReader, MessageWriter};
use quickcheck::{Arbitrary, Gen, QuickCheck};
use serde_bytes::ByteBuf;

const INFO_HASH: [u8; 20] = [
    0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf1, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x12,
    0x34, 0x56, 0x78, 0x9a,
];
const PEER_ID: [u8; 20] = *b"-NW0001-123456789012";

/// `parts` back to back.
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A reader of a whole connection: the handshake in a 68-byte frame.
fn handshake_reader<R: Read>(input: R) -> MessageReader<R, FixedLength> {
    MessageReader::with_encoding(input, FixedLength::new(HANDSHAKE_LEN), WIRE)
}

/// The messages after the handshake: `u32` length-prefixed frames.
fn frames() -> LengthPrefixed {
    LengthPrefixed::u32().with_limit(MAX_PAYLOAD)
}

/// The bytes of a handshake, written by hand from BEP 3: the byte 19,
/// "BitTorrent protocol", eight reserved bytes, the info hash, the peer ID.
fn handshake_bytes(h: &Handshake) -> Vec<u8> {
    cat(&[
        &[h.protocol.len() as u8],
        h.protocol.as_bytes(),
        &h.reserved,
        &h.info_hash,
        &h.peer_id,
    ])
}

/// The payload of a frame, written by hand from BEP 3: nothing for a
/// keep-alive, else the ID byte and the fields, integers four-byte
/// big-endian.
fn payload(frame: &Frame) -> Vec<u8> {
    let be = u32::to_be_bytes;
    let Some(message) = &frame.0 else {
        return Vec::new();
    };
    match message {
        Message::Choke => vec![0],
        Message::Unchoke => vec![1],
        Message::Interested => vec![2],
        Message::NotInterested => vec![3],
        Message::Have { index } => cat(&[&[4], &be(*index)]),
        Message::Bitfield(bits) => cat(&[&[5], bits]),
        Message::Request {
            index,
            begin,
            length,
        } => cat(&[&[6], &be(*index), &be(*begin), &be(*length)]),
        Message::Piece {
            index,
            begin,
            block,
        } => cat(&[&[7], &be(*index), &be(*begin), block]),
        Message::Cancel {
            index,
            begin,
            length,
        } => cat(&[&[8], &be(*index), &be(*begin), &be(*length)]),
    }
}

/// A frame on the wire: its `u32` length, then its payload.
fn framed(frame: &Frame) -> Vec<u8> {
    let body = payload(frame);
    cat(&[&(body.len() as u32).to_be_bytes(), &body])
}

/// The bytes a connection's writer sends: the handshake, then the frames.
fn written(handshake: &Handshake, frames_out: &[Frame]) -> Vec<u8> {
    let mut tx = MessageWriter::with_encoding(Vec::new(), FixedLength::new(HANDSHAKE_LEN), WIRE);
    tx.write(handshake).unwrap();
    let mut tx = tx.map_framing(|_| frames());
    for frame in frames_out {
        tx.write(frame).unwrap();
    }
    tx.flush().unwrap();
    tx.into_inner()
}

/// Reads a connection: the handshake, then frames until the end.
fn read_all<R: Read>(input: R) -> netwire::Result<(Handshake, Vec<Frame>)> {
    let mut rx = handshake_reader(input);
    let handshake = rx.read::<Handshake>()?.expect("a handshake");
    let mut rx = rx.map_framing(|_| frames());
    let frames_in = rx.messages().collect::<netwire::Result<_>>()?;
    Ok((handshake, frames_in))
}

// BEP 3: "The handshake starts with character ninteen (decimal) followed by
// the string 'BitTorrent protocol'", then "eight reserved bytes", the
// 20-byte info hash and the 20-byte peer id.
#[test]
fn the_handshake_is_68_bytes_of_bep_3() {
    let handshake = Handshake::new(INFO_HASH, PEER_ID);
    let wire = cat(&[
        b"\x13BitTorrent protocol",
        &[0; 8],
        &INFO_HASH,
        b"-NW0001-123456789012",
    ]);
    assert_eq!(wire.len(), HANDSHAKE_LEN);
    assert_eq!(WIRE.to_vec(&handshake).unwrap(), wire);
    assert_eq!(WIRE.from_slice::<Handshake>(&wire).unwrap(), handshake);
    assert_eq!(written(&handshake, &[]), wire);
    assert_eq!(
        read_all(ScriptedReader::one_byte(&wire)).unwrap(),
        (handshake, vec![])
    );
}

/// A protocol string of another length makes a handshake of another size:
/// in the 68-byte frame it leaves bytes over, or runs short.
#[test]
fn a_handshake_of_another_length_is_refused() {
    let mut short = Handshake::new(INFO_HASH, PEER_ID);
    short.protocol = "BitTorrent protoco".into();
    let mut wire = WIRE.to_vec(&short).unwrap();
    wire.push(0);
    let err = WIRE.from_slice::<Handshake>(&wire).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::TrailingBytes, Some(67))
    );

    let mut long = wire.clone();
    long[0] = 20;
    let err = WIRE.from_slice::<Handshake>(&long).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::UnexpectedEnd);
    // In a stream the 68-byte frame is whole, so more bytes cannot help.
    let err = handshake_reader(&long[..]).read::<Handshake>().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ShortFrame { len: 68, .. }),
        "{err:?}"
    );
}

/// Every message of BEP 3 with its bytes: `(frame, payload)`.
fn bep_3_vectors() -> Vec<(Frame, Vec<u8>)> {
    vec![
        // "Messages of length zero are keepalives."
        (Frame::KEEP_ALIVE, vec![]),
        // "'choke', 'unchoke', 'interested', and 'not interested' have no payload."
        (Message::Choke.into(), vec![0]),
        (Message::Unchoke.into(), vec![1]),
        (Message::Interested.into(), vec![2]),
        (Message::NotInterested.into(), vec![3]),
        // "'have' messages have a payload of a single number."
        (
            Message::Have { index: 0x0102_0304 }.into(),
            vec![4, 1, 2, 3, 4],
        ),
        // "The first byte corresponds to indices 0 - 7 from high bit to low
        // bit": pieces 0, 1, 2 of a torrent of 3, spare bits zero.
        (
            Message::Bitfield(ByteBuf::from(vec![0b1110_0000])).into(),
            vec![5, 0xe0],
        ),
        // "'request' messages contain an index, begin, and length", the
        // length 2^14.
        (
            Message::Request {
                index: 1,
                begin: 0x4000,
                length: BLOCK_LEN,
            }
            .into(),
            vec![6, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0],
        ),
        // "'piece' messages contain an index, begin, and piece."
        (
            Message::Piece {
                index: 2,
                begin: 0x8000,
                block: ByteBuf::from(&b"abc"[..]),
            }
            .into(),
            vec![7, 0, 0, 0, 2, 0, 0, 0x80, 0, b'a', b'b', b'c'],
        ),
        // "'cancel' messages have the same payload as request messages."
        (
            Message::Cancel {
                index: 0xfedc_ba98,
                begin: 0,
                length: 1,
            }
            .into(),
            vec![8, 0xfe, 0xdc, 0xba, 0x98, 0, 0, 0, 0, 0, 0, 0, 1],
        ),
    ]
}

// BEP 3: "All later integers sent in the protocol are encoded as four
// bytes big-endian", each message behind such a length.
#[test]
fn every_message_is_its_bep_3_bytes() {
    let vectors = bep_3_vectors();
    for (frame, body) in &vectors {
        assert_eq!(&WIRE.to_vec(frame).unwrap(), body, "{frame:?}");
        assert_eq!(&WIRE.from_slice::<Frame>(body).unwrap(), frame);
        assert_eq!(&payload(frame), body, "the hand encoder");
    }
    // All of them on one connection, each behind its u32 length.
    let handshake = Handshake::new(INFO_HASH, PEER_ID);
    let frames_out: Vec<Frame> = vectors.iter().map(|(f, _)| f.clone()).collect();
    let mut wire = handshake_bytes(&handshake);
    for (_, body) in &vectors {
        wire.extend_from_slice(&(body.len() as u32).to_be_bytes());
        wire.extend_from_slice(body);
    }
    assert_eq!(
        &wire[68..76],
        &[0, 0, 0, 0, 0, 0, 0, 1],
        "keep-alive, choke"
    );
    assert_eq!(written(&handshake, &frames_out), wire);
    assert_eq!(
        read_all(ScriptedReader::one_byte(&wire)).unwrap(),
        (handshake, frames_out)
    );
}

/// IDs past 8 belong to extensions: 9 is BEP 5's `port`, 20 BEP 10's
/// `extended`. Such a frame fails alone: the reader goes on with the next.
#[test]
fn an_unknown_id_is_tag_out_of_range_and_skipped() {
    for id in [9u8, 20, 0xff] {
        let err = WIRE.from_slice::<Frame>(&[id, 0x1a, 0xe1]).unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::TagOutOfRange {
                tag: u64::from(id),
                variants: 9
            }
        );
        assert_eq!(err.offset(), Some(0));
    }
    let port = [0, 0, 0, 3, 9, 0x1a, 0xe1];
    let have = framed(&Message::Have { index: 7 }.into());
    let wire = cat(&[&port, &have]);
    let mut rx = MessageReader::with_encoding(ScriptedReader::one_byte(&wire), frames(), WIRE);
    let err = rx.read::<Frame>().unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::TagOutOfRange {
            tag: 9,
            variants: 9
        }
    );
    assert_eq!(err.offset(), Some(4), "the payload's start in the stream");
    assert_eq!(
        rx.read::<Frame>().unwrap(),
        Some(Message::Have { index: 7 }.into())
    );
    assert_eq!(rx.read::<Frame>().unwrap(), None);
}

/// BEP 3: implementations "close connections which request an amount
/// greater than" 2^14; a frame longer than the largest piece message is
/// refused from its length alone, and such a message is not sent.
#[test]
fn a_frame_over_one_block_is_refused() {
    let full = Frame::from(Message::Piece {
        index: 0,
        begin: 0,
        block: ByteBuf::from(vec![7; BLOCK_LEN as usize]),
    });
    let wire = framed(&full);
    assert_eq!(wire.len(), 4 + MAX_PAYLOAD);
    let mut rx = MessageReader::with_encoding(&wire[..], frames(), WIRE);
    assert_eq!(rx.read::<Frame>().unwrap(), Some(full));

    let over = (MAX_PAYLOAD as u32 + 1).to_be_bytes();
    let mut rx = MessageReader::with_encoding(&over[..], frames(), WIRE);
    let err = rx.read::<Frame>().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::LengthOverLimit { .. }),
        "{err:?}"
    );

    let too_big = Frame::from(Message::Piece {
        index: 0,
        begin: 0,
        block: ByteBuf::from(vec![7; BLOCK_LEN as usize + 1]),
    });
    let err = WIRE.to_vec(&too_big).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::LengthOverLimit { .. }),
        "{err:?}"
    );
}

/// A keep-alive and a block both end with the frame: without one (a
/// prefix of a longer input, a bare reader) they cannot be read.
#[test]
fn keep_alives_and_blocks_need_the_frame_end() {
    for frame in [Frame::KEEP_ALIVE, Message::Bitfield(ByteBuf::new()).into()] {
        let wire = WIRE.to_vec(&frame).unwrap();
        let err = WIRE.take_from_slice::<Frame>(&wire).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err}");
        let err = WIRE.from_reader::<_, Frame>(&wire[..]).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err}");
    }
}

/// Where each field of a payload starts.
fn field_starts(frame: &Frame) -> Vec<u64> {
    match &frame.0 {
        None => vec![],
        Some(Message::Have { .. }) => vec![0, 1],
        Some(Message::Request { .. } | Message::Piece { .. } | Message::Cancel { .. }) => {
            vec![0, 1, 5, 9]
        }
        Some(_) => vec![0, 1],
    }
}

/// The truncation rule of a payload. A strict prefix of a payload is a
/// frame of its own only when it is empty (a keep-alive), a bitfield cut
/// after its ID, or a piece cut after its 9-byte header (a shorter block);
/// every other strict prefix is `UnexpectedEnd` at the start of the field
/// it cuts with `from_slice`, and `ShortFrame` when it is a whole frame of
/// a stream (more bytes cannot come).
fn truncations_hold(frame: &Frame) -> bool {
    let body = payload(frame);
    let starts = field_starts(frame);
    (0..body.len()).all(|cut| {
        let prefix = &body[..cut];
        let got = WIRE.from_slice::<Frame>(prefix);
        let ok = match (&frame.0, &got) {
            (_, Ok(Frame(None))) => cut == 0,
            (Some(Message::Bitfield(bits)), Ok(Frame(Some(Message::Bitfield(b))))) => {
                cut >= 1 && b[..] == bits[..cut - 1]
            }
            (
                Some(Message::Piece {
                    index,
                    begin,
                    block,
                }),
                Ok(Frame(Some(Message::Piece {
                    index: i,
                    begin: b,
                    block: got,
                }))),
            ) => cut >= 9 && (i, b) == (index, begin) && got[..] == block[..cut - 9],
            (_, Ok(_)) => false,
            (_, Err(err)) => {
                let field = starts.iter().rev().find(|&&s| s <= cut as u64).copied();
                let in_stream = MessageReader::with_encoding(
                    &cat(&[&(cut as u32).to_be_bytes(), prefix])[..],
                    frames(),
                    WIRE,
                )
                .read::<Frame>()
                .map_err(|e| e.kind().clone());
                err.kind() == &ErrorKind::UnexpectedEnd
                    && err.offset() == field
                    && matches!(in_stream, Err(ErrorKind::ShortFrame { len, .. }) if len == cut as u64)
            }
        };
        if !ok {
            eprintln!("{frame:?} cut at {cut}: {got:?}");
        }
        ok
    })
}

#[test]
fn every_truncation_of_the_bep_3_messages() {
    for (frame, _) in bep_3_vectors() {
        assert!(truncations_hold(&frame), "{frame:?}");
    }
}

/// The outcome of reading a connection cut after `cut` bytes, as the
/// frame boundaries say it must be: the whole messages before the cut,
/// then `Ok(None)` at a boundary, or `Truncated` with the bytes of the cut
/// frame that arrived and, once its header is in, its whole size.
fn cut_connection_holds(
    wire: &[u8],
    handshake: &Handshake,
    frames_out: &[Frame],
    cut: usize,
) -> bool {
    let mut rx = handshake_reader(&wire[..cut]);
    let truncated = |err: netwire::Error, received: usize, expected: Option<usize>| {
        err.kind()
            == &ErrorKind::Truncated {
                received: received as u64,
                expected: expected.map(|e| e as u64),
            }
    };
    if cut < HANDSHAKE_LEN {
        return match rx.read::<Handshake>() {
            Ok(None) => cut == 0,
            Err(err) => cut > 0 && truncated(err, cut, Some(HANDSHAKE_LEN)),
            Ok(Some(_)) => false,
        };
    }
    if rx.read::<Handshake>().ok().flatten().as_ref() != Some(handshake) {
        return false;
    }
    let mut rx = rx.map_framing(|_| frames());
    let mut start = HANDSHAKE_LEN;
    for frame in frames_out {
        let size = 4 + payload(frame).len();
        if cut == start {
            return matches!(rx.read::<Frame>(), Ok(None));
        }
        if cut < start + size {
            let received = cut - start;
            let expected = (received >= 4).then_some(size);
            return rx
                .read::<Frame>()
                .is_err_and(|err| truncated(err, received, expected));
        }
        if rx.read::<Frame>().ok().flatten().as_ref() != Some(frame) {
            return false;
        }
        start += size;
    }
    cut == start && matches!(rx.read::<Frame>(), Ok(None))
}

#[test]
fn every_cut_of_a_connection() {
    let handshake = Handshake::new(INFO_HASH, PEER_ID);
    let frames_out: Vec<Frame> = bep_3_vectors().into_iter().map(|(f, _)| f).collect();
    let wire = written(&handshake, &frames_out);
    for cut in 0..=wire.len() {
        assert!(
            cut_connection_holds(&wire, &handshake, &frames_out, cut),
            "cut at {cut}"
        );
    }
}

fn bytes(g: &mut Gen) -> ByteBuf {
    ByteBuf::from(Vec::<u8>::arbitrary(g))
}

fn array<const N: usize>(g: &mut Gen) -> [u8; N] {
    std::array::from_fn(|_| u8::arbitrary(g))
}

impl Arbitrary for Message {
    fn arbitrary(g: &mut Gen) -> Self {
        let (index, begin, length) = <(u32, u32, u32)>::arbitrary(g);
        match u8::arbitrary(g) % 9 {
            0 => Message::Choke,
            1 => Message::Unchoke,
            2 => Message::Interested,
            3 => Message::NotInterested,
            4 => Message::Have { index },
            5 => Message::Bitfield(bytes(g)),
            6 => Message::Request {
                index,
                begin,
                length,
            },
            7 => Message::Piece {
                index,
                begin,
                block: bytes(g),
            },
            _ => Message::Cancel {
                index,
                begin,
                length,
            },
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Message>> {
        match self.clone() {
            Message::Bitfield(bits) => Box::new(
                bits.into_vec()
                    .shrink()
                    .map(|bits| Message::Bitfield(ByteBuf::from(bits))),
            ),
            Message::Piece {
                index,
                begin,
                block,
            } => Box::new((index, begin, block.into_vec()).shrink().map(
                |(index, begin, block)| Message::Piece {
                    index,
                    begin,
                    block: ByteBuf::from(block),
                },
            )),
            Message::Have { index } => {
                Box::new(index.shrink().map(|index| Message::Have { index }))
            }
            _ => Box::new(std::iter::empty()),
        }
    }
}

impl Arbitrary for Frame {
    fn arbitrary(g: &mut Gen) -> Self {
        // One in eight is a keep-alive.
        match u8::arbitrary(g) % 8 {
            0 => Frame::KEEP_ALIVE,
            _ => Frame(Some(Message::arbitrary(g))),
        }
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Frame>> {
        match &self.0 {
            None => Box::new(std::iter::empty()),
            Some(message) => Box::new(
                std::iter::once(Frame::KEEP_ALIVE).chain(message.shrink().map(Frame::from)),
            ),
        }
    }
}

impl Arbitrary for Handshake {
    fn arbitrary(g: &mut Gen) -> Self {
        Handshake {
            protocol: PROTOCOL.to_owned(),
            // Zero in BEP 3; extensions set bits (BEP 10: byte 5, 0x10).
            reserved: array(g),
            info_hash: array(g),
            peer_id: array(g),
        }
    }
}

const CASES: u64 = 1000;

#[test]
fn quickcheck_payloads_are_their_bep_3_bytes() {
    fn prop(frame: Frame) -> bool {
        let body = WIRE.to_vec(&frame).unwrap();
        body == payload(&frame) && WIRE.from_slice::<Frame>(&body).unwrap() == frame
    }
    QuickCheck::new()
        .tests(CASES)
        .quickcheck(prop as fn(Frame) -> bool);
}

#[test]
fn quickcheck_every_truncation() {
    fn prop(frame: Frame) -> bool {
        truncations_hold(&frame)
    }
    QuickCheck::new()
        .tests(CASES)
        .quickcheck(prop as fn(Frame) -> bool);
}

/// A whole connection: the handshake in a 68-byte frame, `map_framing`,
/// then `u32` frames with keep-alives among them. The writer's bytes are
/// BEP 3's, and a reader fed one byte per `read` gives everything back.
#[test]
fn quickcheck_connections_one_byte_per_read() {
    fn prop(handshake: Handshake, frames_out: Vec<Frame>) -> bool {
        let wire = written(&handshake, &frames_out);
        let expected: Vec<u8> = std::iter::once(handshake_bytes(&handshake))
            .chain(frames_out.iter().map(framed))
            .flatten()
            .collect();
        wire == expected
            && read_all(ScriptedReader::one_byte(&wire)).unwrap() == (handshake, frames_out)
    }
    QuickCheck::new()
        .tests(CASES / 4)
        .quickcheck(prop as fn(Handshake, Vec<Frame>) -> bool);
}

#[test]
fn quickcheck_every_cut_of_a_connection() {
    fn prop(handshake: Handshake, frames_out: Vec<Frame>) -> bool {
        let wire = written(&handshake, &frames_out);
        (0..=wire.len()).all(|cut| cut_connection_holds(&wire, &handshake, &frames_out, cut))
    }
    QuickCheck::new()
        .rng(Gen::new(10))
        .tests(CASES / 10)
        .quickcheck(prop as fn(Handshake, Vec<Frame>) -> bool);
}
