//! Many small framed messages through a reader: netwire's `MessageReader`
//! against tokio-util's `LengthDelimitedCodec` on the same bytes and against
//! the naive loop ("`read_exact` the header, then `read_exact` the body",
//! per message, on an unbuffered stream).
//!
//! ```text
//! cargo bench --bench streaming               # all of it
//! cargo bench --bench streaming -- stream_tcp # only the loopback socket
//! ```
//!
//! The stream is the `chat` dataset, each message `net` encoded in a frame
//! with a `u32` big-endian length (`LengthPrefixed::u32()`, which is also
//! `LengthDelimitedCodec`'s default layout). Readers are `netwire`,
//! `tokio-util` and `naive`; sources:
//! - `stream/<reader>/slice`: the whole stream as one `&[u8]`;
//! - `stream/<reader>/chunks`: a reader returning 1 to 8192 bytes per `read`
//!   (a fixed seeded sequence of sizes);
//! - `stream_tcp/<reader>`: a real socket on 127.0.0.1, a writer thread
//!   sending the stream while the reader decodes;
//! - `stream_tcp_headers/<reader>`: the same with 10 000 16-byte `header`
//!   messages, where decoding costs next to nothing and the number of
//!   system calls decides.
//!
//! Throughput is the stream's bytes, frame headers included. The in-memory
//! group measures the thread's CPU time (see `benches/formats.rs`); the
//! socket group measures wall-clock time, since waiting on the socket is
//! part of what it compares.

mod datasets;

use std::hint::black_box;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use criterion::measurement::WallTime;
use criterion::{BenchmarkId, Criterion, Throughput};
use netwire::frame::{FrameEncoder, LengthPrefixed};
use netwire::stream::MessageReader;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::codec::{Decoder, LengthDelimitedCodec};

use datasets::cpu::ThreadCpu;
use datasets::rng::Rng;
use datasets::{Chat, Header};

/// Messages in the stream.
const MESSAGES: usize = 10_000;

fn criterion<M: criterion::measurement::Measurement>(measurement: M) -> Criterion<M> {
    Criterion::default()
        .with_measurement(measurement)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .without_plots()
        .configure_from_args()
}

/// The stream: every message `net` encoded and framed.
fn framed<T: Serialize>(messages: &[T]) -> Vec<u8> {
    let mut framing = LengthPrefixed::u32();
    let mut wire = BytesMut::new();
    for m in messages {
        let payload = netwire::net::to_vec(m).expect("encode");
        framing.encode(&payload, &mut wire).expect("frame");
    }
    wire.to_vec()
}

/// A reader that hands out its bytes in pieces of 1 to 8192 bytes, from a
/// fixed sequence of sizes: a socket under load.
struct Chunked<'a> {
    data: &'a [u8],
    sizes: &'a [usize],
    next: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes[self.next % self.sizes.len()];
        self.next += 1;
        let n = size.min(buf.len()).min(self.data.len());
        let (head, tail) = self.data.split_at(n);
        buf[..n].copy_from_slice(head);
        self.data = tail;
        Ok(n)
    }
}

fn chunk_sizes() -> Vec<usize> {
    let mut rng = Rng::new(0x4348_554e);
    (0..4096).map(|_| rng.range(1, 8192) as usize).collect()
}

/// Reads `count` messages with netwire's reader.
fn netwire_read<T: DeserializeOwned, R: Read>(
    rx: &mut MessageReader<R, LengthPrefixed, netwire::net::Config>,
    count: usize,
) {
    for _ in 0..count {
        let m: T = rx.read().expect("read").expect("a message");
        black_box(m);
    }
}

/// Reads `count` messages with tokio-util's codec, driven by plain `read`
/// calls into one `BytesMut` (what `FramedRead` does, minus async).
fn tokio_read<T: DeserializeOwned, R: Read>(
    src: &mut R,
    codec: &mut LengthDelimitedCodec,
    buf: &mut BytesMut,
    count: usize,
) {
    let mut got = 0;
    while got < count {
        if let Some(frame) = codec.decode(buf).expect("frame") {
            let m: T = netwire::net::from_slice(&frame).expect("decode");
            black_box(m);
            got += 1;
            continue;
        }
        let len = buf.len();
        buf.resize(len + 8192, 0);
        let n = src.read(&mut buf[len..]).expect("read");
        buf.truncate(len + n);
        assert!(n > 0, "stream ended early");
    }
}

/// The naive loop: two `read_exact` calls per message.
fn naive_read<T: DeserializeOwned, R: Read>(src: &mut R, body: &mut Vec<u8>, count: usize) {
    for _ in 0..count {
        let mut head = [0u8; 4];
        src.read_exact(&mut head).expect("header");
        body.resize(u32::from_be_bytes(head) as usize, 0);
        src.read_exact(body).expect("body");
        let m: T = netwire::net::from_slice(body).expect("decode");
        black_box(m);
    }
}

/// A connected loopback socket whose peer thread writes `wire` as many
/// times as asked through the returned sender; dropping the sender ends
/// the thread and closes the connection.
fn loopback(wire: &[u8]) -> (TcpStream, mpsc::Sender<u64>, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = mpsc::channel::<u64>();
    let wire = wire.to_vec();
    let writer = thread::spawn(move || {
        let (mut peer, _) = listener.accept().expect("accept");
        peer.set_write_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        while let Ok(times) = rx.recv() {
            for _ in 0..times {
                if peer.write_all(&wire).is_err() {
                    return;
                }
            }
        }
    });
    let socket = TcpStream::connect(addr).expect("connect");
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    (socket, tx, writer)
}

fn in_memory(c: &mut Criterion<ThreadCpu>, wire: &[u8]) {
    let sizes = chunk_sizes();
    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::Bytes(wire.len() as u64));
    eprintln!(
        "stream: {MESSAGES} chat messages, {} bytes framed",
        wire.len()
    );

    group.bench_function(BenchmarkId::new("netwire", "slice"), |b| {
        b.iter(|| {
            let mut rx = MessageReader::new(wire, LengthPrefixed::u32());
            netwire_read::<Chat, _>(&mut rx, MESSAGES);
        });
    });
    group.bench_function(BenchmarkId::new("netwire", "chunks"), |b| {
        b.iter(|| {
            let src = Chunked {
                data: wire,
                sizes: &sizes,
                next: 0,
            };
            let mut rx = MessageReader::new(src, LengthPrefixed::u32());
            netwire_read::<Chat, _>(&mut rx, MESSAGES);
        });
    });
    group.bench_function(BenchmarkId::new("tokio-util", "slice"), |b| {
        let mut buf = BytesMut::new();
        b.iter(|| {
            let mut codec = LengthDelimitedCodec::new();
            tokio_read::<Chat, _>(&mut &*wire, &mut codec, &mut buf, MESSAGES);
        });
    });
    group.bench_function(BenchmarkId::new("tokio-util", "chunks"), |b| {
        let mut buf = BytesMut::new();
        b.iter(|| {
            let mut src = Chunked {
                data: wire,
                sizes: &sizes,
                next: 0,
            };
            let mut codec = LengthDelimitedCodec::new();
            tokio_read::<Chat, _>(&mut src, &mut codec, &mut buf, MESSAGES);
        });
    });
    group.bench_function(BenchmarkId::new("naive", "slice"), |b| {
        let mut body = Vec::new();
        b.iter(|| naive_read::<Chat, _>(&mut &*wire, &mut body, MESSAGES));
    });
    group.finish();
}

/// The socket group `name`: `wire` holds `MESSAGES` messages of type `T`.
fn tcp<T: DeserializeOwned>(c: &mut Criterion<WallTime>, name: &str, wire: &[u8]) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(wire.len() as u64));

    // The socket benches keep one connection each and time `iters` passes
    // over the stream, the peer writing while the reader decodes.
    group.bench_function("netwire", |b| {
        let (socket, go, writer) = loopback(wire);
        let mut rx = MessageReader::new(socket, LengthPrefixed::u32());
        b.iter_custom(|iters| {
            let start = Instant::now();
            go.send(iters).expect("writer alive");
            netwire_read::<T, _>(&mut rx, MESSAGES * iters as usize);
            start.elapsed()
        });
        drop(go);
        writer.join().expect("writer");
    });
    group.bench_function("tokio-util", |b| {
        let (mut socket, go, writer) = loopback(wire);
        let mut codec = LengthDelimitedCodec::new();
        let mut buf = BytesMut::new();
        b.iter_custom(|iters| {
            let start = Instant::now();
            go.send(iters).expect("writer alive");
            tokio_read::<T, _>(&mut socket, &mut codec, &mut buf, MESSAGES * iters as usize);
            start.elapsed()
        });
        drop(go);
        writer.join().expect("writer");
    });
    group.bench_function("naive", |b| {
        let (mut socket, go, writer) = loopback(wire);
        let mut body = Vec::new();
        b.iter_custom(|iters| {
            let start = Instant::now();
            go.send(iters).expect("writer alive");
            naive_read::<T, _>(&mut socket, &mut body, MESSAGES * iters as usize);
            start.elapsed()
        });
        drop(go);
        writer.join().expect("writer");
    });
    group.finish();
}

/// Writing `MESSAGES` chats framed into a `Vec` that is cleared and
/// reused, so the writer's own work is what is timed: netwire's
/// `MessageWriter`, tokio-util's codec given each message encoded by
/// `net::to_vec`, and the naive loop (encode, then write length and body).
fn writing(c: &mut Criterion<ThreadCpu>, wire_len: usize) {
    let chats = datasets::chats(MESSAGES);
    let mut group = c.benchmark_group("stream_write");
    group.throughput(Throughput::Bytes(wire_len as u64));
    group.bench_function("netwire", |b| {
        let mut tx = netwire::stream::MessageWriter::new(Vec::new(), LengthPrefixed::u32());
        b.iter(|| {
            tx.get_mut().clear();
            for m in &chats {
                tx.write(m).expect("write");
            }
            black_box(tx.get_ref().len())
        });
    });
    group.bench_function("tokio-util", |b| {
        use tokio_util::codec::Encoder;
        let mut codec = LengthDelimitedCodec::new();
        let mut out = BytesMut::new();
        b.iter(|| {
            out.clear();
            for m in &chats {
                let payload = netwire::net::to_vec(m).expect("encode");
                codec
                    .encode(bytes::Bytes::from(payload), &mut out)
                    .expect("frame");
            }
            black_box(out.len())
        });
    });
    group.bench_function("naive", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            for m in &chats {
                let payload = netwire::net::to_vec(m).expect("encode");
                out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
                out.extend_from_slice(&payload);
            }
            black_box(out.len())
        });
    });
    group.finish();
}

fn main() {
    let wire = framed(&datasets::chats(MESSAGES));
    let mut c = criterion(ThreadCpu);
    in_memory(&mut c, &wire);
    writing(&mut c, wire.len());
    let mut c = criterion(WallTime);
    tcp::<Chat>(&mut c, "stream_tcp", &wire);
    let headers = framed(&datasets::headers(MESSAGES));
    eprintln!(
        "stream_tcp_headers: {MESSAGES} headers, {} bytes framed",
        headers.len()
    );
    tcp::<Header>(&mut c, "stream_tcp_headers", &headers);
    c.final_summary();
}
