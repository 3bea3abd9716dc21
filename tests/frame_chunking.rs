//! Every framing strategy, fed its own encoding in every chunking: the same
//! payloads come out, nothing is lost or left over, and the end of input is
//! clean exactly at frame boundaries.

mod frame_support;

use netwire::frame::{AsciiLength, Delimited, FixedLength, FrameEncoder, LengthPrefixed};

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

framing_properties! {
    fixed_1 => FixedLength::new(1), |p| exactly(1)(p);
    fixed_8 => FixedLength::new(8), |p| exactly(8)(p);
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
}
