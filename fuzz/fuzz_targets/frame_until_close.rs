//! UntilClose: the whole stream is one frame, within four limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::frame::UntilClose;
use netwire_fuzz::framing::{self, Input};

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let codec = UntilClose::new().with_limit(framing::max_len(input.setting, 64));
    let outcome = framing::check(&codec, &input);
    assert!(outcome.frames.len() <= 1, "more than one frame until close");
    framing::check_reencode(&codec, &input.data, &outcome);
});
