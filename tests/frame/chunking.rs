//! Every framing strategy, fed its own encoding in every chunking: the same
//! payloads come out, nothing is lost or left over, and the end of input is
//! clean exactly at frame boundaries.

use crate::framing_properties;
use netwire::frame::{
    AsciiLength, ByType, Delimited, FixedLength, FrameEncoder, HeaderDescribed, LengthField,
    LengthPrefixed, Rule,
};
use zerocopy::network_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

/// At least `min` bytes (padded), at most `max`.
fn between(min: usize, max: usize) -> impl Fn(Vec<u8>) -> Vec<u8> {
    move |mut p| {
        p.truncate(max);
        if p.len() < min {
            p.resize(min, 0xa5);
        }
        p
    }
}

fn identity(p: Vec<u8>) -> Vec<u8> {
    p
}

fn at_most(n: usize) -> impl Fn(Vec<u8>) -> Vec<u8> {
    move |mut p| {
        p.truncate(n);
        p
    }
}

fn exactly(n: usize) -> impl Fn(Vec<u8>) -> Vec<u8> {
    move |mut p| {
        p.resize(n, 0x5a);
        p
    }
}

/// Maps bytes onto a small alphabet full of delimiter pieces, then drops
/// whatever bytes the encoder refuses, so delimiters meet payload bytes
/// that look like them as often as possible.
fn delimiter_rich(codec: Delimited, p: Vec<u8>) -> Vec<u8> {
    let mut p: Vec<u8> = p
        .iter()
        .map(|b| b"ab\r\n\0x"[usize::from(*b) % 6])
        .collect();
    let mut codec = codec;
    while let Err(e) = codec.encode_head(&p, &mut Default::default()) {
        let at = e.offset().expect("delimiter errors say where") as usize;
        p.remove(at);
    }
    p
}

/// Turns arbitrary bytes into a frame for the type table used below:
/// 1 → 3 bytes, 2 → u16 length, 3 → u8 length, 4 → the type byte alone.
fn typed_frame(p: Vec<u8>) -> Vec<u8> {
    let tag = p.first().map_or(4, |b| b % 4 + 1);
    let mut body = p.get(1..).unwrap_or_default().to_vec();
    match tag {
        1 => {
            body.resize(2, 0xee);
            [vec![1], body].concat()
        }
        2 => [vec![2], (body.len() as u16).to_be_bytes().to_vec(), body].concat(),
        3 => {
            body.truncate(255);
            [vec![3, body.len() as u8], body].concat()
        }
        _ => vec![4],
    }
}

fn type_table() -> ByType {
    ByType::new()
        .fixed(1, 3)
        .prefixed(2, 2)
        .prefixed(3, 1)
        .fixed(4, 1)
}

fn type_fn() -> ByType {
    ByType::with(|tag| match tag {
        1 => Some(Rule::Fixed(3)),
        2 => Some(Rule::Prefixed(2)),
        3 => Some(Rule::Prefixed(1)),
        4 => Some(Rule::Fixed(1)),
        _ => None,
    })
}

#[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct Header {
    kind: U16,
    len: U32,
}

fn header_codec() -> HeaderDescribed<Header> {
    HeaderDescribed::new(|h: &Header| u64::from(h.len.get()))
}

fn with_header(p: Vec<u8>) -> Vec<u8> {
    let mut frame = vec![0, 9];
    frame.extend_from_slice(&(p.len() as u32).to_be_bytes());
    frame.extend_from_slice(&p);
    frame
}

framing_properties! {
    fixed_1 => FixedLength::new(1), |p| exactly(1)(p);
    fixed_8 => FixedLength::new(8), |p| exactly(8)(p);
    fixed_of_header => FixedLength::of::<Header>(), |p| exactly(6)(p);
    delimited_newline => Delimited::new(b"\n"), |p| delimiter_rich(Delimited::new(b"\n"), p);
    delimited_crlf => Delimited::new(b"\r\n"), |p| delimiter_rich(Delimited::new(b"\r\n"), p);
    delimited_self_overlapping => Delimited::new(b"aa"), |p| delimiter_rich(Delimited::new(b"aa"), p);
    delimited_three_bytes => Delimited::new(b"\r\n\r"), |p| delimiter_rich(Delimited::new(b"\r\n\r"), p);
    delimited_lines => Delimited::lines(), |p| delimiter_rich(Delimited::lines(), p);
    delimited_nul => Delimited::nul(), |p| delimiter_rich(Delimited::nul(), p);
    length_u8 => LengthPrefixed::u8(), |p| at_most(255)(p);
    length_u16 => LengthPrefixed::u16(), identity;
    length_u32 => LengthPrefixed::u32(), identity;
    length_u64 => LengthPrefixed::u64(), identity;
    length_u16_includes_header => LengthPrefixed::u16().length_includes_header(true), identity;
    length_u32_adjusted => LengthPrefixed::u32().length_adjustment(-3).length_includes_header(true), identity;
    length_u8_positive_adjustment => LengthPrefixed::u8().length_adjustment(1), |p| {
        let mut p = at_most(255)(p);
        if p.is_empty() { p.push(0) }
        p
    };
    ascii_digits_1 => AsciiLength::digits(1), |p| at_most(9)(p);
    ascii_digits_5 => AsciiLength::digits(5), identity;
    by_type_table => type_table(), typed_frame;
    by_type_fn => type_fn(), typed_frame;
    header_described => header_codec(), with_header;
    length_field_at_0 => LengthField::new().length_field_length(2), |p| at_most(0xffff)(p);
    length_field_postgres => LengthField::new().length_field_offset(1).length_adjustment(-4), |p| between(1, usize::MAX)(p);
    length_field_memcached => LengthField::new().length_field_offset(8).length_adjustment(12), |p| between(20, usize::MAX)(p);
    length_field_stun => LengthField::new().length_field_offset(2).length_field_length(2).length_adjustment(16), |p| between(18, 18 + 0xffff)(p);
    length_field_little_endian => LengthField::new().length_field_length(3).little_endian().length_adjustment(1), |p| between(1, usize::MAX)(p);
    length_field_u8_at_3 => LengthField::new().length_field_offset(3).length_field_length(1), |p| between(3, 3 + 255)(p);
}

#[test]
fn strategies_can_move_to_other_threads_and_be_cloned() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug + 'static>(_: &T) {}
    check(&FixedLength::new(1));
    check(&Delimited::lines());
    check(&LengthPrefixed::u32());
    check(&AsciiLength::digits(5));
    check(&netwire::frame::UntilClose::new());
    check(&type_fn());
    check(&header_codec());
    check(&LengthField::new());
}
