//! Every encoding side by side on the benchmark datasets: bytes, encode
//! speed (into a slice with each crate's slice API, and onto a `Vec`) and
//! decode speed, relative to `net`; a dump of one message on the wire; an
//! SVG chart of it all (its encode panel is the slice API).
//!
//! ```text
//! cargo run --release --example compare                      # chart in target/compare.svg
//! cargo run --release --example compare -- docs/compare.svg  # chart where you say
//! ```
//!
//! Each cell is timed for about `COMPARE_MS` milliseconds (default 100) of
//! this thread's CPU time, in five slices; the fastest slice counts, which
//! keeps the numbers steady on a busy machine. For careful numbers use `cargo bench --bench formats`.

#[path = "../benches/datasets/mod.rs"]
mod datasets;
#[path = "compare/svg.rs"]
mod svg;

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cpu_time::ThreadTime;

use zerocopy::{FromBytes, IntoBytes};

use datasets::formats::{decode_all, encode_all, encode_all_slice, memcpy_all};
use datasets::{Batch, Format, Owned, Visit, check, each_format};

/// One encoding's results on one dataset.
pub struct Row {
    name: &'static str,
    bytes: usize,
    /// Time to encode the whole dataset into one slice (the crate's slice
    /// API).
    encode: Duration,
    /// Time to encode the whole dataset onto a `Vec` (the crate's `Vec` or
    /// writer API).
    encode_vec: Duration,
    /// Time to decode the whole dataset (owned).
    decode: Duration,
}

/// One dataset's results.
pub struct Table {
    dataset: &'static str,
    count: usize,
    rows: Vec<Row>,
}

impl Table {
    fn net(&self) -> Option<&Row> {
        self.rows.iter().find(|r| r.name == "net")
    }

    fn net_bytes(&self) -> usize {
        self.net().map_or(0, |r| r.bytes)
    }
}

/// Progress on stderr: a line rewritten in place on a terminal, one line
/// per dataset otherwise.
struct Progress {
    tty: bool,
    done: usize,
    total: usize,
}

impl Progress {
    fn step(&mut self, what: &str) {
        self.done += 1;
        if self.tty {
            eprint!("\r\x1b[Kmeasuring [{:>3}/{}] {what}", self.done, self.total);
            let _ = std::io::stderr().flush();
        }
    }

    fn dataset(&self, name: &str) {
        if !self.tty {
            eprintln!("measuring {name} …");
        }
    }

    fn finish(&self) {
        if self.tty {
            eprint!("\r\x1b[K");
        }
    }
}

/// Time per run of `f`, in CPU time of this thread (time spent waiting
/// for a core on a busy machine does not count): the fastest of five slices
/// of `budget / 5`, each running `f` as often as fits.
fn time(budget: Duration, mut f: impl FnMut()) -> Duration {
    let warm = ThreadTime::now();
    f();
    let once = warm.elapsed().max(Duration::from_nanos(100));
    let slice = budget / 5;
    let runs = (slice.as_nanos() / once.as_nanos()).clamp(1, 1 << 20) as u32;
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = ThreadTime::now();
        for _ in 0..runs {
            f();
        }
        best = best.min(start.elapsed() / runs);
    }
    best
}

struct Measure<'a, T> {
    messages: &'a [T],
    dataset: &'static str,
    budget: Duration,
    progress: &'a mut Progress,
    rows: Vec<Row>,
}

impl<T: Owned> Visit for Measure<'_, T> {
    fn visit<F: Format>(&mut self, format: &F) {
        let name = format.name();
        self.progress.step(&format!("{} {name}", self.dataset));
        let batch = match check(format, self.messages) {
            Ok(batch) => batch,
            Err(e) => {
                eprintln!("\n{}: {name} skipped: {e}", self.dataset);
                return;
            }
        };
        let mut slice = vec![0; batch.len()];
        let encode = time(self.budget, || {
            encode_all_slice(format, self.messages, &mut slice)
        });
        let mut out = Vec::with_capacity(batch.len());
        let encode_vec = time(self.budget, || encode_all(format, self.messages, &mut out));
        let decode = time(self.budget, || decode_all::<F, T>(format, &batch));
        self.rows.push(Row {
            name,
            bytes: batch.len(),
            encode,
            encode_vec,
            decode,
        });
    }
}

/// Measures every format on `messages`, plus the memcpy floor. Any serde
/// message type works: add a line in `main` to see your own.
fn measure<T: Owned>(
    dataset: &'static str,
    messages: &[T],
    budget: Duration,
    progress: &mut Progress,
) -> Table {
    progress.dataset(dataset);
    let mut m = Measure {
        messages,
        dataset,
        budget,
        progress,
        rows: Vec::new(),
    };
    each_format(&mut m);
    let mut rows = m.rows;
    m.progress.step(&format!("{dataset} memcpy"));
    let net = Batch::encode(
        &datasets::formats::Wire("net", netwire::net::Config::new()),
        messages,
    )
    .expect("net encodes every dataset");
    let mut dst = Vec::with_capacity(net.len());
    let copy = time(budget, || memcpy_all(&net, &mut dst));
    rows.push(Row {
        name: "memcpy",
        bytes: net.len(),
        encode: copy,
        encode_vec: copy,
        decode: copy,
    });
    Table {
        dataset,
        count: messages.len(),
        rows,
    }
}

/// The `net-records` row of the triangles table: `netwire::with::records`
/// writing and reading the same bytes as `net`, the records in one copy.
fn records_row(meshes: &[datasets::TriangleMesh], budget: Duration) -> Row {
    use datasets::triangles::{decode_runs, encode_runs, encode_runs_slice, runs};
    let (batch, runs) = runs(meshes);
    let mut slice = vec![0; batch.len()];
    let encode = time(budget, || encode_runs_slice(&runs, &mut slice));
    let mut out = Vec::with_capacity(batch.len());
    let encode_vec = time(budget, || encode_runs(&runs, &mut out));
    let decode = time(budget, || decode_runs(&batch));
    Row {
        name: "net-records",
        bytes: batch.len(),
        encode,
        encode_vec,
        decode,
    }
}

/// The zerocopy row of the header table.
fn zerocopy_row(headers: &[datasets::Header], budget: Duration) -> Row {
    let wire: Vec<datasets::HeaderWire> = headers.iter().map(Into::into).collect();
    let bytes: Vec<u8> = wire.as_bytes().to_vec();
    let size = std::mem::size_of::<datasets::HeaderWire>();
    let mut out = Vec::with_capacity(bytes.len());
    let encode = time(budget, || {
        out.clear();
        for h in headers {
            out.extend_from_slice(datasets::HeaderWire::from(std::hint::black_box(h)).as_bytes());
        }
        std::hint::black_box(&mut out);
    });
    let decode = time(budget, || {
        for chunk in bytes.chunks(size) {
            let w =
                datasets::HeaderWire::ref_from_bytes(std::hint::black_box(chunk)).expect("cast");
            std::hint::black_box(datasets::Header::from(w));
        }
    });
    Row {
        name: "zerocopy",
        bytes: bytes.len(),
        encode,
        encode_vec: encode,
        decode,
    }
}

fn mb_per_s(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / t.as_secs_f64() / 1e6
}

fn print_table(t: &Table) {
    println!(
        "\n{} — {} messages (speed × net = messages per second relative to net)",
        t.dataset, t.count
    );
    println!(
        "{:<18} {:>10} {:>7} {:>12} {:>7} {:>12} {:>7} {:>12} {:>7}",
        "encoding",
        "bytes",
        "× net",
        "encode MB/s",
        "× net",
        "→Vec MB/s",
        "× net",
        "decode MB/s",
        "× net"
    );
    let Some(net) = t.net() else { return };
    for r in &t.rows {
        println!(
            "{:<18} {:>10} {:>7.2} {:>12.0} {:>7.2} {:>12.0} {:>7.2} {:>12.0} {:>7.2}",
            r.name,
            r.bytes,
            r.bytes as f64 / net.bytes as f64,
            mb_per_s(r.bytes, r.encode),
            net.encode.as_secs_f64() / r.encode.as_secs_f64(),
            mb_per_s(r.bytes, r.encode_vec),
            net.encode_vec.as_secs_f64() / r.encode_vec.as_secs_f64(),
            mb_per_s(r.bytes, r.decode),
            net.decode.as_secs_f64() / r.decode.as_secs_f64(),
        );
    }
}

/// `hexdump -C` style: offset, 16 bytes in hex, the printable ones as text.
fn hex_dump(bytes: &[u8]) -> String {
    let mut s = String::new();
    for (i, line) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
        let text: String = line
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        s.push_str(&format!(
            "  {:08x}  {:<47}  |{text}|\n",
            i * 16,
            hex.join(" ")
        ));
    }
    s
}

/// What the run happened on, for the caption.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .map(|l| format!(", load {l}"))
        .unwrap_or_default();
    format!("{cpu}, {cores} cores{load}, {}", std::env::consts::OS)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let budget = Duration::from_millis(
        std::env::var("COMPARE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100),
    );
    let out_path = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/compare.svg"),
        PathBuf::from,
    );
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run with --release for meaningful speeds");
    }

    let headers = datasets::headers(datasets::HEADERS);
    let chats = datasets::chats(datasets::CHATS);
    let logs = datasets::logs(datasets::LOGS);
    let meshes = datasets::meshes(datasets::MESHES);
    let players = datasets::players(datasets::PLAYERS);
    let blobs = datasets::blobs(datasets::BLOBS);
    let triangles = datasets::triangle_meshes(datasets::TRIANGLES);

    let sample = &chats[0];
    println!("One chat message: {sample:?}");
    println!("\nin net ({} bytes):", netwire::net::encoded_len(sample)?);
    print!("{}", hex_dump(&netwire::net::to_vec(sample)?));
    println!(
        "\nin ascii ({} bytes):",
        netwire::ascii::encoded_len(sample)?
    );
    print!("{}", hex_dump(&netwire::ascii::to_vec(sample)?));

    let mut formats = 0;
    struct Count<'a>(&'a mut usize);
    impl Visit for Count<'_> {
        fn visit<F: Format>(&mut self, _: &F) {
            *self.0 += 1;
        }
    }
    each_format(&mut Count(&mut formats));
    let mut progress = Progress {
        tty: std::io::stderr().is_terminal(),
        done: 0,
        total: 7 * (formats + 1),
    };
    let started = Instant::now();
    let mut header = measure("header", &headers, budget, &mut progress);
    header.rows.push(zerocopy_row(&headers, budget));
    let tables = [
        header,
        measure("chat", &chats, budget, &mut progress),
        measure("log", &logs, budget, &mut progress),
        measure("mesh", &meshes, budget, &mut progress),
        measure("savedata", &players, budget, &mut progress),
        measure("bulk", &blobs, budget, &mut progress),
        {
            let mut t = measure("triangles", &triangles, budget, &mut progress);
            t.rows.push(records_row(&triangles, budget));
            t
        },
    ];
    progress.finish();
    for t in &tables {
        print_table(t);
    }

    let caption = format!(
        "{}; cargo run --release --example compare ({} ms per cell)",
        machine(),
        budget.as_millis()
    );
    if let Some(dir) = out_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out_path, svg::chart(&tables, &caption))?;
    println!("\nmachine: {caption}");
    println!(
        "measured in {:.1} s; chart written to {}",
        started.elapsed().as_secs_f64(),
        out_path.display()
    );
    Ok(())
}
