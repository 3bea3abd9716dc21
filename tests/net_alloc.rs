//! Hostile length prefixes cannot make the decoder allocate beyond the
//! limit: every byte allocated during a decode is counted by a
//! counting global allocator.
//!
//! This file holds a single test so no other test allocates concurrently.

use std::alloc::System;
use std::collections::{BTreeMap, HashMap};

use netwire::net::Config;
use serde::de::DeserializeOwned;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Room for the boxed error and a custom error message.
const SLACK: usize = 256;
const LIMIT: usize = 1024;

/// Bytes allocated (not net: every allocation and every growth counts, so
/// this bounds the peak from above) while `f` runs.
fn allocated_by<R>(f: impl FnOnce() -> R) -> usize {
    let region = Region::new(GLOBAL);
    let result = f();
    let bytes = region.change().bytes_allocated;
    drop(result);
    bytes
}

/// Decodes `input` as `T` from a slice and from a reader; both must fail,
/// and each may allocate at most `slice_max` / `reader_max` bytes.
fn bounded<T: DeserializeOwned>(
    name: &str,
    cfg: Config,
    input: &[u8],
    slice_max: usize,
    reader_max: usize,
) {
    let mut ok = true;
    let slice = allocated_by(|| {
        ok &= cfg.from_slice::<T>(input).is_err();
    });
    let reader = allocated_by(|| {
        ok &= cfg.from_reader::<_, T>(input).is_err();
    });
    assert!(ok, "{name}: hostile input decoded");
    assert!(
        slice <= slice_max,
        "{name}: from_slice allocated {slice} bytes > {slice_max}"
    );
    assert!(
        reader <= reader_max,
        "{name}: from_reader allocated {reader} bytes > {reader_max}"
    );
}

/// `prefix` as a u32 length, then `body_len` filler bytes.
fn claim(prefix: u32, body_len: usize) -> Vec<u8> {
    let mut v = prefix.to_be_bytes().to_vec();
    v.resize(4 + body_len, 1);
    v
}

#[test]
#[cfg_attr(miri, ignore = "too slow or unsupported under Miri")]
fn hostile_decodes_stay_within_the_limit() {
    let cfg = Config::new().with_limit(LIMIT);
    let within = LIMIT + SLACK;

    // Huge declared lengths on a 10-byte input: rejected before allocating.
    let huge = claim(u32::MAX, 6);
    bounded::<String>("String u32::MAX", cfg, &huge, SLACK, SLACK);
    bounded::<serde_bytes::ByteBuf>("ByteBuf u32::MAX", cfg, &huge, SLACK, SLACK);
    bounded::<Vec<u64>>("Vec<u64> u32::MAX", cfg, &huge, SLACK, SLACK);
    bounded::<HashMap<u64, String>>("HashMap u32::MAX", cfg, &huge, SLACK, SLACK);
    let mut legacy_huge = vec![0xff; 8];
    legacy_huge.extend_from_slice(&[1, 2]);
    bounded::<String>(
        "bincode String u64::MAX",
        Config::bincode_legacy(),
        &legacy_huge,
        SLACK,
        SLACK,
    );
    bounded::<Vec<u8>>(
        "bincode Vec u64::MAX",
        Config::bincode_legacy(),
        &legacy_huge,
        SLACK,
        SLACK,
    );

    // Lengths within the limit but beyond the input. A string read from a
    // reader may reserve its declared length (at most the limit); from a
    // slice nothing is copied before the bytes are known to be there.
    let short = claim(1000, 6);
    bounded::<String>("String 1000 of 6", cfg, &short, SLACK, within);
    bounded::<serde_bytes::ByteBuf>("ByteBuf 1000 of 6", cfg, &short, SLACK, within);
    bounded::<Vec<String>>("Vec<String> 1000 of 6", cfg, &short, SLACK, within);
    // Counts: from a slice the hint is capped by the 6 bytes present, from
    // a reader there is no hint at all.
    bounded::<Vec<u64>>("Vec<u64> 1000 of 6", cfg, &short, 6 * 8 + SLACK, SLACK);
    bounded::<Vec<[u64; 4]>>(
        "Vec<[u64; 4]> 1000 of 6",
        cfg,
        &short,
        6 * 32 + SLACK,
        SLACK,
    );
    bounded::<HashMap<u32, u32>>("HashMap 1000 of 6", cfg, &short, within, SLACK);
    bounded::<BTreeMap<u32, Vec<u64>>>("BTreeMap 1000 of 6", cfg, &short, within, within);

    // Nested hostile counts: every level claims 1000 elements. From a slice
    // each level preallocates at most one element per byte still present
    // (76 and 72 `Vec`s of 24 bytes, then 68 `u8`s); from a reader nothing.
    let nested: Vec<u8> = std::iter::repeat_n(1000u32.to_be_bytes(), 20)
        .flatten()
        .collect();
    let vec_size = std::mem::size_of::<Vec<u8>>();
    bounded::<Vec<Vec<Vec<u8>>>>(
        "nested Vec<u8>",
        cfg,
        &nested,
        (76 + 72) * vec_size + 68 + SLACK,
        SLACK,
    );

    // A genuine Vec<u8> filling the limit: one allocation from a slice; from
    // a reader the Vec grows as bytes arrive and ends near the same size.
    let full = claim(1020, LIMIT - 4);
    let bytes = allocated_by(|| cfg.from_slice::<Vec<u8>>(&full).unwrap());
    assert!(
        (1020..=within).contains(&bytes),
        "Vec<u8> filling the limit: {bytes}"
    );
    let bytes = allocated_by(|| cfg.from_reader::<_, Vec<u8>>(&full[..]).unwrap());
    assert!(
        (1020..=2 * LIMIT + SLACK).contains(&bytes),
        "Vec<u8> read: {bytes}"
    );

    // The allocator really counts: a genuine 1000-byte string is allocated.
    let genuine = claim(1000, 1000);
    let bytes = allocated_by(|| cfg.from_slice::<String>(&genuine).unwrap());
    assert!((1000..=within).contains(&bytes), "genuine string: {bytes}");
    let bytes = allocated_by(|| cfg.from_reader::<_, String>(&genuine[..]).unwrap());
    assert!(
        (1000..=within).contains(&bytes),
        "genuine string read: {bytes}"
    );
}
