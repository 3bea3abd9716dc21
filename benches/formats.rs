//! Encode, decode and size of every encoding on the seven datasets, and
//! `netwire::with::records` on the triangles.
//!
//! ```text
//! cargo bench --bench formats            # everything (a few minutes)
//! cargo bench --bench formats -- chat    # one dataset
//! cargo bench --bench formats -- decode/ # one operation, every dataset
//! ```
//!
//! Each dataset is a criterion group; ids are `<dataset>/<op>/<encoding>`
//! with `op` one of `encode` (into a slice, with each crate's slice API),
//! `encode_vec` (onto a `Vec`, with each crate's `Vec` or writer API),
//! `decode` (owned) and `decode_borrowed`.
//! Throughput is each encoding's own encoded bytes; the encoded sizes are
//! printed (stderr) before each group. Every encoding is checked to round
//! trip the dataset before it is timed.
//!
//! Time is the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), not
//! wall-clock time: on a machine shared with other work it leaves out the
//! time the thread waits for a core, which is most of the noise. Set
//! `NETWIRE_BENCH_WALL=1` to measure wall-clock time instead.
//!
//! To put a message type of your own in the comparison, derive serde's,
//! wincode's and bitcode's traits on it (see [`datasets::Owned`]) and add
//! one line to `main` below: `compare(&mut c, "mine", &my_messages);`
//! (owned decoding; implement [`datasets::Message`] and call
//! [`compare_borrowed`] to time borrowed decoding as well).

mod datasets;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, WallTime};
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput};
use zerocopy::{FromBytes, IntoBytes};

use datasets::cpu::ThreadCpu;
use datasets::formats::{check_view, decode_all, encode_all, encode_all_slice, memcpy_all};
use datasets::{Batch, Format, Message, Owned, Visit, check, each_format};

/// Short runs: the whole suite takes a few minutes on two busy cores.
fn criterion<M: Measurement>(measurement: M) -> Criterion<M> {
    Criterion::default()
        .with_measurement(measurement)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(900))
        .without_plots()
        .configure_from_args()
}

/// Times encode and owned decode of `messages` with every format, plus the
/// `memcpy` floor, in a group called `name`.
pub fn compare<M: Measurement, T: Owned>(c: &mut Criterion<M>, name: &str, messages: &[T]) {
    let mut group = c.benchmark_group(name);
    let mut owned = OwnedDecode {
        group: &mut group,
        messages,
        sizes: Vec::new(),
    };
    each_format(&mut owned);
    let sizes = owned.sizes;
    let net = sizes.first().map_or(1, |&(_, n)| n);
    let table: Vec<String> = sizes
        .iter()
        .map(|(f, n)| format!("{f} {n} ({:.2}x)", *n as f64 / net as f64))
        .collect();
    eprintln!(
        "{name}: {} messages; bytes: {}",
        messages.len(),
        table.join(", ")
    );
    if let Ok(batch) = Batch::encode(
        &datasets::formats::Wire("net", netwire::net::Config::new()),
        messages,
    ) {
        group.throughput(Throughput::Bytes(batch.len() as u64));
        group.bench_function(BenchmarkId::new("decode", "memcpy"), |b| {
            let mut dst = Vec::with_capacity(batch.len());
            b.iter(|| memcpy_all(&batch, &mut dst));
        });
    }
    group.finish();
}

/// [`compare`], then borrowed decoding with every format that supports it.
pub fn compare_borrowed<M: Measurement, T: Message>(
    c: &mut Criterion<M>,
    name: &str,
    messages: &[T],
) {
    compare(c, name, messages);
    if T::BORROWS {
        let mut group = c.benchmark_group(name);
        each_format(&mut Borrowed {
            group: &mut group,
            messages,
        });
        group.finish();
    }
}

struct OwnedDecode<'g, 'c, 'm, M: Measurement, T> {
    group: &'g mut BenchmarkGroup<'c, M>,
    messages: &'m [T],
    sizes: Vec<(&'static str, usize)>,
}

impl<M: Measurement, T: Owned> Visit for OwnedDecode<'_, '_, '_, M, T> {
    fn visit<F: Format>(&mut self, format: &F) {
        let name = format.name();
        let batch = match check(format, self.messages) {
            Ok(batch) => batch,
            Err(e) => {
                eprintln!("{name}: skipped, does not round trip: {e}");
                return;
            }
        };
        self.sizes.push((name, batch.len()));
        let messages = self.messages;
        self.group.throughput(Throughput::Bytes(batch.len() as u64));
        self.group
            .bench_function(BenchmarkId::new("encode", name), |b| {
                let mut out = vec![0; batch.len()];
                b.iter(|| encode_all_slice(format, messages, &mut out));
            });
        self.group
            .bench_function(BenchmarkId::new("encode_vec", name), |b| {
                let mut out = Vec::with_capacity(batch.len());
                b.iter(|| encode_all(format, messages, &mut out));
            });
        self.group
            .bench_function(BenchmarkId::new("decode", name), |b| {
                b.iter(|| decode_all::<F, T>(format, &batch));
            });
    }
}

struct Borrowed<'g, 'c, 'm, M: Measurement, T> {
    group: &'g mut BenchmarkGroup<'c, M>,
    messages: &'m [T],
}

impl<M: Measurement, T: Message> Visit for Borrowed<'_, '_, '_, M, T> {
    fn visit<F: Format>(&mut self, format: &F) {
        let name = format.name();
        let Ok(batch) = Batch::encode(format, self.messages) else {
            return;
        };
        if let Err(e) = check_view::<F, T::View<'_>>(format, &batch) {
            eprintln!("{name}: no borrowed decoding: {e}");
            return;
        }
        self.group.throughput(Throughput::Bytes(batch.len() as u64));
        self.group
            .bench_function(BenchmarkId::new("decode_borrowed", name), |b| {
                b.iter(|| decode_all::<F, T::View<'_>>(format, &batch));
            });
    }
}

/// Zero-copy casts of [`datasets::HeaderWire`]: the reference for
/// fixed-layout headers.
fn zerocopy_headers<M: Measurement>(c: &mut Criterion<M>, headers: &[datasets::Header]) {
    let batch = Batch::encode(
        &datasets::formats::Wire("net", netwire::net::Config::new()),
        headers,
    )
    .expect("encode headers");
    for (h, bytes) in headers.iter().zip(batch.messages()) {
        let wire = datasets::HeaderWire::ref_from_bytes(bytes).expect("16 bytes");
        assert_eq!(
            &datasets::Header::from(wire),
            h,
            "zerocopy and net disagree"
        );
    }
    let mut group = c.benchmark_group("header");
    group.throughput(Throughput::Bytes(batch.len() as u64));
    group.bench_function(BenchmarkId::new("encode", "zerocopy"), |b| {
        let mut out = Vec::with_capacity(batch.len());
        b.iter(|| {
            out.clear();
            for h in headers {
                out.extend_from_slice(datasets::HeaderWire::from(black_box(h)).as_bytes());
            }
            black_box(&mut out);
        });
    });
    group.bench_function(BenchmarkId::new("decode", "zerocopy"), |b| {
        b.iter(|| {
            for bytes in batch.messages() {
                let wire = datasets::HeaderWire::ref_from_bytes(black_box(bytes)).expect("cast");
                black_box(datasets::Header::from(wire));
            }
        });
    });
    group.bench_function(BenchmarkId::new("decode_borrowed", "zerocopy"), |b| {
        b.iter(|| {
            for bytes in batch.messages() {
                black_box(datasets::HeaderWire::ref_from_bytes(black_box(bytes)).expect("cast"));
            }
        });
    });
    group.finish();
}

/// `netwire::with::records` on the triangles: `net-records` writes and
/// reads the same bytes as `net` does for [`datasets::TriangleMesh`], the
/// records in one copy (`decode`) or none (`decode_borrowed`).
fn records<M: Measurement>(c: &mut Criterion<M>, meshes: &[datasets::TriangleMesh]) {
    use datasets::triangles::{decode_runs, decode_runs_borrowed, encode_runs, encode_runs_slice};
    let (batch, runs) = datasets::triangles::runs(meshes);
    let mut group = c.benchmark_group("triangles");
    group.throughput(Throughput::Bytes(batch.len() as u64));
    group.bench_function(BenchmarkId::new("encode", "net-records"), |b| {
        let mut out = vec![0; batch.len()];
        b.iter(|| encode_runs_slice(&runs, &mut out));
    });
    group.bench_function(BenchmarkId::new("encode_vec", "net-records"), |b| {
        let mut out = Vec::with_capacity(batch.len());
        b.iter(|| encode_runs(&runs, &mut out));
    });
    group.bench_function(BenchmarkId::new("decode", "net-records"), |b| {
        b.iter(|| decode_runs(&batch));
    });
    // The floor of any owned decoding: a fresh allocation and a copy of
    // each message's records.
    group.bench_function(BenchmarkId::new("decode", "to_vec"), |b| {
        b.iter(|| {
            for bytes in batch.messages() {
                black_box(black_box(bytes).get(8..).unwrap_or_default().to_vec());
            }
        });
    });
    group.bench_function(BenchmarkId::new("decode_borrowed", "net-records"), |b| {
        b.iter(|| decode_runs_borrowed(&batch));
    });
    group.finish();
}

fn main() {
    if std::env::var_os("NETWIRE_BENCH_WALL").is_some() {
        run(criterion(WallTime));
    } else {
        run(criterion(ThreadCpu));
    }
}

fn run<M: Measurement>(mut c: Criterion<M>) {
    let headers = datasets::headers(datasets::HEADERS);
    compare(&mut c, "header", &headers);
    zerocopy_headers(&mut c, &headers);
    compare_borrowed(&mut c, "chat", &datasets::chats(datasets::CHATS));
    compare_borrowed(&mut c, "log", &datasets::logs(datasets::LOGS));
    compare(&mut c, "mesh", &datasets::meshes(datasets::MESHES));
    compare(&mut c, "savedata", &datasets::players(datasets::PLAYERS));
    compare_borrowed(&mut c, "bulk", &datasets::blobs(datasets::BLOBS));
    let triangles = datasets::triangle_meshes(datasets::TRIANGLES);
    compare(&mut c, "triangles", &triangles);
    records(&mut c, &triangles);
    c.final_summary();
}
