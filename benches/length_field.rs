//! `LengthField` against its neighbours, decoding and encoding 10 000
//! PostgreSQL-shaped messages (a type byte, then a body of small fields):
//!
//! - `length-prefixed`: `LengthPrefixed::u32()` before the type byte, the
//!   layout with no gap (baseline);
//! - `field at 0`: `LengthField::new()`, the same layout;
//! - `field at 1`: `LengthField` after the type byte, PostgreSQL's layout,
//!   the message decoded across the field;
//! - `tokio-util`: `LengthDelimitedCodec` with the same layout, the message
//!   type keeping the length as a field of its own (`num_skip(0)`).
//!
//! `cargo bench --bench length_field`; the ratios to `length-prefixed` are
//! what to read.

use std::time::Duration;

use bytes::BytesMut;
use criterion::{BenchmarkId, Criterion, Throughput};
use netwire::frame::{FrameDecoder, LengthField, LengthPrefixed};
use netwire::message::{MessageDecoder, MessageEncoder};
use serde::Deserialize;
use tokio_util::codec::{Decoder, LengthDelimitedCodec};

const MESSAGES: usize = 10_000;

/// A message without its length: a type byte and a body.
type Message = (u8, Vec<(u16, String)>);
/// The same message with the length kept by hand after the type byte.
type WithLength = (u8, u32, Vec<(u16, String)>);

fn messages() -> Vec<Message> {
    (0..MESSAGES)
        .map(|i| {
            let fields = (0..4)
                .map(|j| (j as u16, format!("value {i} {j}")))
                .collect();
            (b'D', fields)
        })
        .collect()
}

fn postgres() -> LengthField {
    LengthField::new()
        .length_field_offset(1)
        .length_adjustment(-4)
}

fn encoded<F: netwire::frame::FrameEncoder>(framing: F, messages: &[Message]) -> BytesMut {
    let mut encoder = MessageEncoder::new(framing);
    let mut wire = BytesMut::new();
    for m in messages {
        encoder.encode(m, &mut wire).unwrap();
    }
    wire
}

fn decode_all<F: FrameDecoder, T: for<'de> Deserialize<'de>>(framing: F, wire: &[u8]) -> usize {
    let mut decoder = MessageDecoder::new(framing);
    let mut at = 0;
    let mut count = 0;
    while let (Ok(Some(_)), used) = decoder.decode::<T>(&wire[at..]) {
        at += used;
        count += 1;
    }
    assert_eq!(count, MESSAGES);
    count
}

fn main() {
    let messages = messages();
    let prefixed = encoded(LengthPrefixed::u32(), &messages);
    let at_zero = encoded(LengthField::new(), &messages);
    let at_one = encoded(postgres(), &messages);
    assert_eq!(prefixed, at_zero);

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .without_plots()
        .configure_from_args();

    let mut group = c.benchmark_group("length_field_decode");
    group.throughput(Throughput::Bytes(at_one.len() as u64));
    group.bench_function(BenchmarkId::from_parameter("length-prefixed"), |b| {
        b.iter(|| decode_all::<_, Message>(LengthPrefixed::u32(), &prefixed))
    });
    group.bench_function(BenchmarkId::from_parameter("field at 0"), |b| {
        b.iter(|| decode_all::<_, Message>(LengthField::new(), &at_zero))
    });
    group.bench_function(BenchmarkId::from_parameter("field at 1"), |b| {
        b.iter(|| decode_all::<_, Message>(postgres(), &at_one))
    });
    group.bench_function(BenchmarkId::from_parameter("tokio-util"), |b| {
        b.iter(|| {
            let mut codec = LengthDelimitedCodec::builder()
                .length_field_offset(1)
                .length_field_length(4)
                // With num_skip(0) the adjustment also counts the 5 header
                // bytes: -4 + 5.
                .length_adjustment(1)
                .num_skip(0)
                .new_codec();
            let mut src = at_one.clone();
            let mut count = 0;
            while let Some(frame) = codec.decode(&mut src).unwrap() {
                let _: WithLength = netwire::net::from_slice(&frame).unwrap();
                count += 1;
            }
            assert_eq!(count, MESSAGES);
        })
    });
    group.finish();

    let mut group = c.benchmark_group("length_field_encode");
    group.throughput(Throughput::Bytes(at_one.len() as u64));
    group.bench_function(BenchmarkId::from_parameter("length-prefixed"), |b| {
        b.iter(|| encoded(LengthPrefixed::u32(), &messages))
    });
    group.bench_function(BenchmarkId::from_parameter("field at 1"), |b| {
        b.iter(|| encoded(postgres(), &messages))
    });
    group.finish();
    c.final_summary();
}
