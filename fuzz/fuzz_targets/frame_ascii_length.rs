//! AsciiLength: 1 to 19 decimal digits and four frame limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::frame::AsciiLength;
use netwire_fuzz::framing::{self, Input};

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let s = input.setting;
    let digits = usize::from(s & 0xff) % 19 + 1;
    let codec = AsciiLength::digits(digits).with_limit(framing::max_len(s >> 8, 100));
    let outcome = framing::check(&codec, &input);
    framing::check_reencode(&codec, &input.data, &outcome);
});
