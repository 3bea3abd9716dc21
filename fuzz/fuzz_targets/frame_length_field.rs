//! LengthField: the field at offsets 0 to 15, 1 to 8 bytes wide, either
//! byte order, a small signed adjustment and four frame limits; frames
//! must encode back to the bytes they came from, and the message layer
//! must decode the two runs around the field without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::frame::LengthField;
use netwire::message::MessageDecoder;
use netwire_fuzz::framing::{self, Input};

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let s = input.setting;
    let codec = LengthField::new()
        .length_field_offset(usize::from(s & 0xf))
        .length_field_length(usize::from(s >> 4 & 7) + 1);
    let codec = if s & 0x80 != 0 {
        codec.little_endian()
    } else {
        codec.big_endian()
    };
    let codec = codec
        .length_adjustment(isize::from((s >> 8 & 0x1f) as i8) - 16)
        .with_limit(framing::max_len(s >> 13, 1024));
    let outcome = framing::check(&codec, &input);
    framing::check_reencode(&codec, &input.data, &outcome);

    // Messages across the field: owned and borrowed, every frame taken.
    let mut decoder = MessageDecoder::new(codec.clone());
    let mut rest = &input.data[..];
    loop {
        let (result, used) = decoder.decode_eof::<Vec<(u16, String)>>(rest);
        assert!(used <= rest.len());
        rest = &rest[used..];
        match result {
            Ok(None) => break,
            Err(_) if used == 0 => break,
            _ => {}
        }
    }
    let mut decoder = MessageDecoder::new(codec);
    let (result, _) = decoder.decode_eof::<(u8, &str)>(&input.data);
    if let Err(e) = result {
        assert!(e.offset().is_some(), "a message error without an offset: {e:?}");
    }
});
