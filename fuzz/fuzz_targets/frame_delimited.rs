//! Delimited: one- and multi-byte delimiters (self-overlapping ones
//! included), text lines, and four frame limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::frame::Delimited;
use netwire_fuzz::framing::{self, Input};

const DELIMITERS: [&[u8]; 7] = [b"\n", b"\r\n", b"\0", b"ab", b"aa", b"aba", b"\r\n\r\n"];

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let s = input.setting;
    let pick = usize::from(s & 7);
    let max = framing::max_len(s >> 8, 16);
    let Some(delimiter) = DELIMITERS.get(pick) else {
        // Text lines: "\n" or "\r\n" ends a frame, so re-encoding (always
        // "\n") cannot be compared byte for byte; check the span instead.
        let codec = Delimited::lines().with_limit(max);
        let outcome = framing::check(&codec, &input);
        let mut start = 0;
        for (frame, &end) in outcome.frames.iter().zip(&outcome.ends) {
            let span = &input.data[start..end];
            let lf = [&frame[..], b"\n"].concat();
            let crlf = [&frame[..], b"\r\n"].concat();
            assert!(
                span == lf || span == crlf,
                "line {frame:?} came from {span:?}"
            );
            start = end;
        }
        return;
    };
    let codec = Delimited::new(delimiter).with_limit(max);
    let outcome = framing::check(&codec, &input);
    framing::check_reencode(&codec, &input.data, &outcome);
});
