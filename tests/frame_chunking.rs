//! Every framing strategy, fed its own encoding in every chunking: the same
//! payloads come out, nothing is lost or left over, and the end of input is
//! clean exactly at frame boundaries.

mod frame_support;

use netwire::frame::LengthPrefixed;

fn identity(p: Vec<u8>) -> Vec<u8> {
    p
}

fn at_most_255(mut p: Vec<u8>) -> Vec<u8> {
    p.truncate(255);
    p
}

framing_properties! {
    length_u8 => LengthPrefixed::u8(), at_most_255;
    length_u16 => LengthPrefixed::u16(), identity;
    length_u32 => LengthPrefixed::u32(), identity;
    length_u64 => LengthPrefixed::u64(), identity;
    length_u16_includes_header => LengthPrefixed::u16().length_includes_header(true), identity;
    length_u32_adjusted => LengthPrefixed::u32().length_adjustment(-3).length_includes_header(true), identity;
    length_u8_positive_adjustment => LengthPrefixed::u8().length_adjustment(1), |p| {
        let mut p = at_most_255(p);
        if p.is_empty() { p.push(0) }
        p
    };
}
