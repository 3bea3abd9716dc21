//! Arbitrary bytes into the rich message types with `ascii`, under
//! settings picked by the first byte: never a panic, every entry point
//! (slice, prefix, reader, and `from_str` for UTF-8 input) agrees, and
//! whatever decodes survives a round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::fuzz::{check_decode_borrowed_with, check_decode_with};
use netwire_fuzz::{Borrowed, Message, Tree, ascii_config};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let config = ascii_config(sel);
    check_decode_with::<Message, _>(&config, body);
    check_decode_with::<Tree, _>(&config, body);
    let mut scratch = Vec::new();
    check_decode_borrowed_with::<Borrowed, _>(&config, body, &mut scratch);
    if let Ok(text) = std::str::from_utf8(body) {
        // Values are compared by their `net` encoding, which keeps every
        // bit of a float: a NaN field is not equal to itself.
        let exact = |v: Borrowed| netwire::net::to_vec(&v).expect("a decoded value encodes");
        let from_str = config
            .from_str::<Borrowed>(text)
            .map(exact)
            .map_err(|e| (e.kind().clone(), e.offset()));
        let from_slice = config
            .from_slice::<Borrowed>(body)
            .map(exact)
            .map_err(|e| (e.kind().clone(), e.offset()));
        assert_eq!(from_str, from_slice, "from_str and from_slice disagree");
    }
});
