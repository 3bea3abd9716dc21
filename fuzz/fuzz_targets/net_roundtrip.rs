//! Arbitrary values through `net` under settings picked by the fuzzer:
//! encode → decode → equal (every entry point, every truncation detected);
//! and the same bytes decoded as a message → re-encoded → re-decoded.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use netwire::fuzz::{
    check_decode_with, check_roundtrip, check_roundtrip_borrowed_with, check_roundtrip_with,
};
use netwire_fuzz::{Borrowed, Message, net_config};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok((sel, message, borrowed)) = <(u8, Message, Borrowed)>::arbitrary(&mut u) {
        let config = net_config(sel);
        check_roundtrip(&message);
        check_roundtrip_with(&config, &message);
        let mut scratch = Vec::new();
        check_roundtrip_borrowed_with(&config, &borrowed, &mut scratch);
    }
    check_decode_with::<Message, _>(&netwire::net::Config::new(), data);
});
