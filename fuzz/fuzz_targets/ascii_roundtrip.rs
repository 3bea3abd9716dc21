//! Arbitrary values through `ascii` under settings picked by the fuzzer:
//! encode → decode → equal (every entry point, every truncation detected);
//! and the same bytes decoded as a message → re-encoded → re-decoded.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use netwire::fuzz::{check_decode_with, check_roundtrip_borrowed_with, check_roundtrip_with};
use netwire_fuzz::{Borrowed, Message, ascii_config};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok((sel, message, borrowed)) = <(u8, Message, Borrowed)>::arbitrary(&mut u) {
        let config = ascii_config(sel);
        check_roundtrip_with(&netwire::ascii::Config::new(), &message);
        check_roundtrip_with(&config, &message);
        let mut scratch = Vec::new();
        check_roundtrip_borrowed_with(&config, &borrowed, &mut scratch);
        // Text that is the encoding of the value reads back through
        // from_str as well.
        if let Ok(text) = config.to_string(&message) {
            match config.from_str::<Message>(&text) {
                Ok(back) => assert_eq!(config.to_vec(&back).ok(), Some(text.into_bytes())),
                Err(e) => assert!(
                    matches!(e.kind(), netwire::ErrorKind::DepthLimit(_)),
                    "own encoding {text:?} does not read back: {e:?}"
                ),
            }
        }
    }
    check_decode_with::<Message, _>(&netwire::ascii::Config::new(), data);
});
