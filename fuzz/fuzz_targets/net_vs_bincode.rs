//! Differential: `net::Config::bincode_legacy()` against bincode 2.0.1's
//! `config::legacy().with_big_endian()`, decoding arbitrary bytes and
//! encoding arbitrary values. See `netwire_fuzz::differential` for the
//! differences accepted and why.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire_fuzz::differential;

fuzz_target!(|data: &[u8]| {
    differential::decode_both(data);
    differential::encode_both(data);
});
