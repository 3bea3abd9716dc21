//! A 64 KiB payload at the end of a message (`u16` block number, then the
//! bytes to the end), decoded and encoded with the three ways netwire has
//! to write "the rest of the message":
//!
//! - `vec`: a `Vec<u8>` field under `#[serde(with = "netwire::with::rest")]`
//!   (the same as `Rest<Vec<u8>>`), which serde moves one byte at a time;
//! - `rest_bytes`: [`netwire::with::RestBytes`], one copy;
//! - `serde_bytes`: a `serde_bytes::ByteBuf` field under `with::rest`, one
//!   copy, the peer from outside the crate;
//! - `vec_counted`: a plain `Vec<u8>` after its `u32` count, serde's
//!   element-wise path without `rest`, for scale;
//! - `memcpy`: copying the payload into a `Vec`, the floor (decode only).
//!
//! Encoding is into a slice (`net::to_slice`).
//!
//! ```text
//! cargo bench --bench rest
//! ```
//!
//! Time is the benchmark thread's CPU time (`NETWIRE_BENCH_WALL=1` for wall
//! time), as in `benches/formats.rs`.

#[path = "datasets/cpu.rs"]
mod cpu;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, WallTime};
use criterion::{BenchmarkId, Criterion, Throughput};
use netwire::with::RestBytes;
use serde::{Deserialize, Serialize};

const PAYLOAD: usize = 64 * 1024;

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Vec8 {
    block: u16,
    #[serde(with = "netwire::with::rest")]
    data: Vec<u8>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Wrapped {
    block: u16,
    data: RestBytes,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct ByteBuf {
    block: u16,
    #[serde(with = "netwire::with::rest")]
    data: serde_bytes::ByteBuf,
}

fn criterion<M: Measurement>(measurement: M) -> Criterion<M> {
    Criterion::default()
        .with_measurement(measurement)
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .without_plots()
        .configure_from_args()
}

fn main() {
    if std::env::var_os("NETWIRE_BENCH_WALL").is_some() {
        run(criterion(WallTime));
    } else {
        run(criterion(cpu::ThreadCpu));
    }
}

fn run<M: Measurement>(mut c: Criterion<M>) {
    let payload: Vec<u8> = (0..PAYLOAD).map(|i| (i * 7 + i / 251) as u8).collect();
    let vec = Vec8 {
        block: 1,
        data: payload.clone(),
    };
    let wrapped = Wrapped {
        block: 1,
        data: RestBytes(payload.clone()),
    };
    let buf = ByteBuf {
        block: 1,
        data: serde_bytes::ByteBuf::from(payload.clone()),
    };
    let wire = netwire::net::to_vec(&vec).expect("encode");
    // The three have the same bytes, and each reads them back.
    assert_eq!(netwire::net::to_vec(&wrapped).expect("encode"), wire);
    assert_eq!(netwire::net::to_vec(&buf).expect("encode"), wire);
    assert_eq!(
        netwire::net::from_slice::<Vec8>(&wire).expect("decode"),
        vec
    );
    assert_eq!(
        netwire::net::from_slice::<Wrapped>(&wire).expect("decode"),
        wrapped
    );
    assert_eq!(
        netwire::net::from_slice::<ByteBuf>(&wire).expect("decode"),
        buf
    );

    let mut group = c.benchmark_group("rest_64k");
    group.throughput(Throughput::Bytes(wire.len() as u64));
    group.bench_function(BenchmarkId::new("decode", "vec"), |b| {
        b.iter(|| netwire::net::from_slice::<Vec8>(black_box(&wire)).expect("decode"))
    });
    let counted = netwire::net::to_vec(&(1u16, &payload)).expect("encode");
    group.bench_function(BenchmarkId::new("decode", "vec_counted"), |b| {
        b.iter(|| netwire::net::from_slice::<(u16, Vec<u8>)>(black_box(&counted)).expect("decode"))
    });
    group.bench_function(BenchmarkId::new("decode", "rest_bytes"), |b| {
        b.iter(|| netwire::net::from_slice::<Wrapped>(black_box(&wire)).expect("decode"))
    });
    group.bench_function(BenchmarkId::new("decode", "serde_bytes"), |b| {
        b.iter(|| netwire::net::from_slice::<ByteBuf>(black_box(&wire)).expect("decode"))
    });
    group.bench_function(BenchmarkId::new("decode", "memcpy"), |b| {
        b.iter(|| black_box(&wire[2..]).to_vec())
    });
    let mut out = vec![0u8; wire.len()];
    group.bench_function(BenchmarkId::new("encode", "vec"), |b| {
        b.iter(|| {
            netwire::net::to_slice(black_box(&vec), &mut out).expect("encode");
        })
    });
    let pair = (1u16, &payload);
    let mut counted_out = vec![0u8; counted.len()];
    group.bench_function(BenchmarkId::new("encode", "vec_counted"), |b| {
        b.iter(|| {
            netwire::net::to_slice(black_box(&pair), &mut counted_out).expect("encode");
        })
    });
    group.bench_function(BenchmarkId::new("encode", "rest_bytes"), |b| {
        b.iter(|| {
            netwire::net::to_slice(black_box(&wrapped), &mut out).expect("encode");
        })
    });
    group.bench_function(BenchmarkId::new("encode", "serde_bytes"), |b| {
        b.iter(|| {
            netwire::net::to_slice(black_box(&buf), &mut out).expect("encode");
        })
    });
    group.finish();
    c.final_summary();
}
