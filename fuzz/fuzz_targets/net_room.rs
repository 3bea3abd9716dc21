//! Arbitrary bytes as sequences of small, plain elements, under settings
//! picked by the first byte: decoded from a slice with room (a second copy
//! of the element's code) and on the plain path, the same value or the
//! same error at the same offset; and `netwire::fuzz`'s checks (every
//! entry point agrees, what decodes survives a round trip).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::fuzz::check_decode_with;
use netwire_fuzz::net_config;
use netwire_fuzz::room::{Named, Record, Triangle, check_same};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let config = net_config(sel);
    let same = check_same::<Record>(&config, body)
        .and_then(|()| check_same::<Triangle>(&config, body))
        .and_then(|()| check_same::<Named<'_>>(&config, body));
    if let Err(e) = same {
        panic!("{e}");
    }
    check_decode_with::<Vec<Record>, _>(&config, body);
});
