//! FixedLength: frame sizes 1 to 256, and one far larger than any input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::frame::FixedLength;
use netwire_fuzz::framing::{self, Input};

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let len = match input.setting {
        0xffff => 1 << 20,
        s => usize::from(s & 0xff) + 1,
    };
    let codec = FixedLength::new(len);
    let outcome = framing::check(&codec, &input);
    framing::check_reencode(&codec, &input.data, &outcome);
});
