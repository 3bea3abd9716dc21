//! Arbitrary bytes into the rich message types with `net`, under settings
//! picked by the first byte: never a panic, every entry point agrees, and
//! whatever decodes survives a round trip (`netwire::fuzz`'s checks).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::fuzz::{check_decode_borrowed_with, check_decode_with};
use netwire_fuzz::{Borrowed, Message, Tree, net_config};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let config = net_config(sel);
    check_decode_with::<Message, _>(&config, body);
    check_decode_with::<Tree, _>(&config, body);
    let mut scratch = Vec::new();
    check_decode_borrowed_with::<Borrowed, _>(&config, body, &mut scratch);
});
