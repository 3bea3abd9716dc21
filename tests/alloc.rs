//! Allocation counts, by a counting global allocator: hostile length
//! prefixes cannot make the decoder allocate beyond the limit, and a
//! message on its way out is held once (encoded into the writer's queue,
//! no scratch copy beside it).
//!
//! This file holds a single test, running each check in turn, so no other
//! test allocates concurrently.

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
fn allocation_counts() {
    hostile_decodes_stay_within_the_limit();
    a_queued_message_is_held_once();
}

/// Bytes held (allocated and not freed) at the end of `f`, by what `f`
/// returns.
fn held_by<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let region = Region::new(GLOBAL);
    let result = f();
    let change = region.change();
    // A growth by `realloc` is counted in `bytes_allocated` too.
    let held = change
        .bytes_allocated
        .saturating_sub(change.bytes_deallocated);
    (result, held)
}

/// A writer that is never ready: whatever is written stays queued.
struct Blocked;

impl std::io::Write for Blocked {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::ErrorKind::WouldBlock.into())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Err(std::io::ErrorKind::WouldBlock.into())
    }
}

/// A 100 kB message queued by `MessageWriter` (and encoded by
/// `MessageEncoder` and the tokio `MessageCodec`) occupies its queue and
/// nothing else: with a scratch buffer beside the queue (the encoding
/// written there, then copied), the writer held twice the message.
fn a_queued_message_is_held_once() {
    use netwire::frame::LengthPrefixed;
    use netwire::message::MessageEncoder;

    let message = serde_bytes::ByteBuf::from(vec![7u8; 100_000]);
    let frame = 4 + 4 + 100_000;
    // The queue grows by doubling, so it may hold up to a third more than
    // the frame; a second copy would be at least another frame.
    let once = frame * 4 / 3;

    let (tx, held) = held_by(|| {
        let mut tx = netwire::stream::MessageWriter::new(Blocked, LengthPrefixed::u32());
        tx.write(&message).expect("queued");
        tx
    });
    assert_eq!(tx.pending(), frame);
    assert!(
        held <= once,
        "MessageWriter holds {held} bytes for a {frame}-byte frame"
    );
    drop(tx);

    let (kept, held) = held_by(|| {
        let mut encoder = MessageEncoder::new(LengthPrefixed::u32());
        let mut dst = bytes::BytesMut::new();
        encoder.encode(&message, &mut dst).expect("encoded");
        (encoder, dst)
    });
    assert_eq!(kept.1.len(), frame);
    assert!(
        held <= once,
        "MessageEncoder holds {held} bytes for a {frame}-byte frame"
    );

    drop(kept);

    #[cfg(feature = "tokio")]
    {
        use tokio_util::codec::Encoder;
        let (kept, held) = held_by(|| {
            let mut codec = netwire::codec::MessageCodec::<&serde_bytes::ByteBuf, _>::new(
                LengthPrefixed::u32(),
            );
            let mut dst = bytes::BytesMut::new();
            codec.encode(&message, &mut dst).expect("encoded");
            (codec, dst)
        });
        assert_eq!(kept.1.len(), frame);
        assert!(
            held <= once,
            "MessageCodec holds {held} bytes for a {frame}-byte frame"
        );
    }
}

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
    // Counts: under a limit of less than 1 MiB no collection gets a size
    // hint (one hint may reserve up to 1 MiB), so a claimed count reserves
    // nothing before its elements arrive.
    bounded::<Vec<u64>>("Vec<u64> 1000 of 6", cfg, &short, SLACK, SLACK);
    bounded::<Vec<[u64; 4]>>("Vec<[u64; 4]> 1000 of 6", cfg, &short, SLACK, SLACK);
    bounded::<HashMap<u32, u32>>("HashMap 1000 of 6", cfg, &short, within, SLACK);
    bounded::<BTreeMap<u32, Vec<u64>>>("BTreeMap 1000 of 6", cfg, &short, within, within);

    // Nested hostile counts: every level claims 1000 elements.
    let nested: Vec<u8> = std::iter::repeat_n(1000u32.to_be_bytes(), 20)
        .flatten()
        .collect();
    bounded::<Vec<Vec<Vec<u8>>>>("nested Vec<u8>", cfg, &nested, SLACK, SLACK);

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

    hinted_collections_stay_within_a_larger_limit();
}

/// 264 bytes in memory per element, whatever its count claims.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Big(Vec<Big>, [u64; 30]);

/// With a limit of several MiB, collections read from a slice get a size
/// hint (their count, capped by the bytes present) while the message's
/// preallocation budget lasts: hinted reservations stay within the limit
/// however many nested counts claim elements, and a genuine collection is
/// reserved once.
fn hinted_collections_stay_within_a_larger_limit() {
    const MIB: usize = 1 << 20;
    let cfg = Config::new().with_limit(4 * MIB);
    // 100 nested counts of 4096 elements, then filler: 64 KiB present.
    let mut nested: Vec<u8> = std::iter::repeat_n(4096u32.to_be_bytes(), 100)
        .flatten()
        .collect();
    nested.resize(64 * 1024, 0xff);
    let bytes = allocated_by(|| cfg.from_slice::<Big>(&nested).is_err());
    assert!(
        bytes <= 4 * MIB + SLACK,
        "nested hinted counts allocated {bytes} bytes"
    );
    // Without the budget each level would reserve serde's 1 MiB at most:
    // the budget is what stops the fifth level.
    assert!(bytes > 3 * MIB, "hints were given: {bytes}");

    // A genuine sequence of 1000 four-word arrays: one reservation of
    // exactly its size.
    let genuine = [&1000u32.to_be_bytes()[..], &[7; 32 * 1000]].concat();
    let bytes = allocated_by(|| cfg.from_slice::<Vec<[u64; 4]>>(&genuine).unwrap());
    assert_eq!(bytes, 32 * 1000, "one reservation for a hinted Vec");

    sibling_collections_decoded_whole_give_their_share_back(cfg);
}

/// Forty sibling sequences in a message whose budget covers four hints:
/// each sequence decoded whole gives its share back, so every one of them
/// is reserved once at its size instead of growing by doubling after the
/// fourth.
fn sibling_collections_decoded_whole_give_their_share_back(cfg: Config) {
    let inner: Vec<[u64; 4]> = (0..100).map(|i| [i; 4]).collect();
    let value = vec![inner; 40];
    let outer = 40 * std::mem::size_of::<Vec<[u64; 4]>>();

    let wire = cfg.to_vec(&value).unwrap();
    let bytes = least_allocated_by(|| cfg.from_slice::<Vec<Vec<[u64; 4]>>>(&wire).unwrap());
    assert_eq!(bytes, outer + 40 * 100 * 32, "one reservation per sequence");
    assert_eq!(cfg.from_slice::<Vec<Vec<[u64; 4]>>>(&wire).unwrap(), value);

    let ascii = netwire::ascii::Config::new().with_limit(cfg.limit());
    let text = ascii.to_vec(&value).unwrap();
    let bytes = least_allocated_by(|| ascii.from_slice::<Vec<Vec<[u64; 4]>>>(&text).unwrap());
    assert_eq!(
        bytes,
        outer + 40 * 100 * 32,
        "ascii: one reservation per sequence"
    );
    assert_eq!(
        ascii.from_slice::<Vec<Vec<[u64; 4]>>>(&text).unwrap(),
        value
    );
}

/// [`allocated_by`] for an exact count: the least of three runs. The
/// count is of the whole process, and the test harness's own thread
/// allocates now and then (a few hundred bytes, once in several runs);
/// that only ever adds, so the least run is the decoder's own count.
fn least_allocated_by<R>(mut f: impl FnMut() -> R) -> usize {
    (0..3).map(|_| allocated_by(&mut f)).min().unwrap_or(0)
}
