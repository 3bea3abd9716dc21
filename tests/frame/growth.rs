//! Memory follows the bytes that arrive, never the length a header
//! announces: a peer that sends a few header bytes promising a huge frame
//! cannot make a buffer grow to that size.

use std::io;

use crate::support::io::{ScriptedReader, Step};
use bytes::BytesMut;
use netwire::frame::{
    AsciiLength, ByType, FrameDecoder, FrameEncoder, HeaderDescribed, LengthField, LengthPrefixed,
};
use netwire::stream::FrameReader;
use netwire::{Error, ErrorKind};
use zerocopy::network_endian::U32;

/// The most a waiting buffer may hold for `len` buffered bytes: the
/// decoder grows it by at most `max(len, 8 KiB)` per call, and the
/// allocator may round that up to twice the request.
fn bound(len: usize) -> usize {
    4 * len.max(8 * 1024) + 64
}

/// A decoder run on a buffer, expecting no complete frame.
type Decode = Box<dyn FnMut(&mut BytesMut) -> Result<(), Error>>;

fn one_gib_header() -> Vec<(&'static str, Decode)> {
    const BIG: usize = 1 << 30;
    fn run<D: FrameDecoder + 'static>(mut dec: D) -> Decode {
        Box::new(move |src| match dec.decode(src)? {
            None => Ok(()),
            Some(_) => panic!("no frame is complete"),
        })
    }
    vec![
        ("u32", run(LengthPrefixed::u32().with_limit(BIG))),
        ("u64", run(LengthPrefixed::u64().with_limit(BIG))),
        ("ascii", run(AsciiLength::digits(10).with_limit(BIG))),
        ("by type", run(ByType::new().prefixed(7, 4).with_limit(BIG))),
        (
            "header",
            run(HeaderDescribed::new(|h: &U32| u64::from(h.get())).with_limit(BIG)),
        ),
        (
            "length field",
            run(LengthField::new()
                .length_field_offset(1)
                .length_adjustment(-4)
                .with_limit(BIG)),
        ),
    ]
}

/// Headers announcing just under 1 GiB, one per entry of [`one_gib_header`].
fn headers() -> [Vec<u8>; 6] {
    let n: u32 = (1 << 30) - 64;
    let be = n.to_be_bytes();
    [
        be.to_vec(),
        u64::from(n).to_be_bytes().to_vec(),
        format!("{n:010}").into_bytes(),
        [&[7][..], &be].concat(),
        be.to_vec(),
        [&[b'Q'][..], &be].concat(),
    ]
}

#[test]
fn a_hostile_header_alone_reserves_almost_nothing() {
    for ((name, mut decode), header) in one_gib_header().into_iter().zip(headers()) {
        let mut src = BytesMut::from(&header[..]);
        decode(&mut src).unwrap();
        assert_eq!(&src[..], &header[..], "{name}: nothing consumed");
        assert!(
            src.capacity() <= bound(src.len()),
            "{name}: {} bytes reserved for a {}-byte header",
            src.capacity(),
            header.len()
        );
    }
}

#[test]
fn a_large_frame_grows_the_buffer_with_its_bytes() {
    for ((name, mut decode), header) in one_gib_header().into_iter().zip(headers()) {
        let mut src = BytesMut::from(&header[..]);
        decode(&mut src).unwrap();
        let piece = [0x5a; 4096];
        for _ in 0..256 {
            src.extend_from_slice(&piece);
            decode(&mut src).unwrap();
            assert!(
                src.capacity() <= bound(src.len()),
                "{name}: capacity {} for {} bytes",
                src.capacity(),
                src.len()
            );
        }
    }
}

#[test]
fn the_reservation_stops_at_the_frame_end() {
    let mut codec = LengthPrefixed::u16();
    let mut src = BytesMut::from(&[0, 100][..]);
    assert_eq!(codec.decode(&mut src).unwrap(), None);
    assert!(src.capacity() >= 102, "room for the announced frame");
    assert!(src.capacity() <= bound(2));
}

#[test]
fn a_frame_reader_waiting_on_a_hostile_header_stays_small() {
    let header = ((1u32 << 30) - 1).to_be_bytes().to_vec();
    let script = [Step::Bytes(4), Step::WouldBlock];
    let reader = ScriptedReader::new(header, script);
    let mut rx = FrameReader::new(reader, LengthPrefixed::u32().with_limit(1 << 30));
    let err = rx.read_frame().unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Io(io::ErrorKind::WouldBlock));
    assert_eq!(rx.buffer().len(), 4);
    let (_, buf) = rx.into_parts();
    assert!(
        buf.capacity() <= bound(4),
        "{} bytes reserved",
        buf.capacity()
    );
}

#[test]
fn a_large_frame_still_arrives_whole() {
    let payload = vec![0xa5; 300_000];
    let mut wire = BytesMut::new();
    LengthPrefixed::u32().encode(&payload, &mut wire).unwrap();
    let reader = ScriptedReader::new(wire.to_vec(), []).tail_chunk(1000);
    let mut rx = FrameReader::new(reader, LengthPrefixed::u32());
    assert_eq!(rx.read_frame().unwrap().unwrap(), &payload[..]);
    assert_eq!(rx.read_frame().unwrap(), None);
}
