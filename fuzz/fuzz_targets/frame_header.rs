//! HeaderDescribed: a 6-byte header with a u32 body length, a 1-byte
//! header, and a header whose length function returns huge values; four
//! frame limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::frame::HeaderDescribed;
use netwire_fuzz::framing::{self, Input};
use zerocopy::network_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

#[derive(FromBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
struct Header {
    kind: U16,
    len: U32,
}

#[derive(FromBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
struct Tiny {
    len: u8,
}

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let max = framing::max_len(input.setting >> 8, 64);
    match input.setting & 3 {
        0 => {
            let codec =
                HeaderDescribed::new(|h: &Header| u64::from(h.len.get())).with_limit(max);
            let outcome = framing::check(&codec, &input);
            framing::check_reencode(&codec, &input.data, &outcome);
        }
        1 => {
            let codec = HeaderDescribed::new(|h: &Tiny| u64::from(h.len)).with_limit(max);
            let outcome = framing::check(&codec, &input);
            framing::check_reencode(&codec, &input.data, &outcome);
        }
        _ => {
            // The body length wraps past u64::MAX once the header is added.
            let codec = HeaderDescribed::new(|h: &Header| u64::MAX - u64::from(h.kind.get()))
                .with_limit(max);
            let outcome = framing::check(&codec, &input);
            framing::check_reencode(&codec, &input.data, &outcome);
        }
    }
});
