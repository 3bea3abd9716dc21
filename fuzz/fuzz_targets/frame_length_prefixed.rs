//! LengthPrefixed: every width, with and without the header counted, a
//! small signed adjustment and four frame limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::frame::LengthPrefixed;
use netwire_fuzz::framing::{self, Input};

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let s = input.setting;
    let codec = match s & 3 {
        0 => LengthPrefixed::u8(),
        1 => LengthPrefixed::u16(),
        2 => LengthPrefixed::u32(),
        _ => LengthPrefixed::u64(),
    }
    .length_includes_header(s & 4 != 0)
    .length_adjustment(isize::from((s >> 3 & 0x1f) as i8) - 16)
    .with_limit(framing::max_len(s >> 8, 1024));
    let outcome = framing::check(&codec, &input);
    framing::check_reencode(&codec, &input.data, &outcome);
});
