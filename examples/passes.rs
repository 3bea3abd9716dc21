//! Runs one decoder over one benchmark dataset a fixed number of times,
//! for instruction counts that do not depend on the machine's load:
//!
//! ```text
//! cargo build --release --example passes
//! valgrind --tool=callgrind target/release/examples/passes triangles net-records 10
//! ```
//!
//! Decoders: `memcpy` (a copy into a reused buffer), `to_vec` (a fresh
//! allocation and a copy of the records: triangles only), `net`,
//! `wincode-be`, and on `triangles` also `net-records` and
//! `net-records-borrowed` (`netwire::with::records`). Encoders, each
//! message into a reused slice with the crate's slice API: `net-encode`,
//! `bincode-legacy-be-encode`, `wincode-be-encode`. Datasets: `log`,
//! `mesh`, `savedata`, `triangles`. Subtract a run with 0 passes for the
//! setup.

#[path = "../benches/datasets/mod.rs"]
mod datasets;

use std::hint::black_box;

use datasets::formats::{
    Bincode, Wincode, WincodeBe, Wire, decode_all, encode_all_slice, memcpy_all,
};
use datasets::{Batch, Format, Owned};

fn run<T: Owned>(messages: &[T], decoder: &str, passes: usize) -> Result<(), String> {
    let net = Wire("net", netwire::net::Config::new());
    let batch = Batch::encode(&net, messages)?;
    match decoder {
        "memcpy" => {
            let mut dst = Vec::with_capacity(batch.len());
            (0..passes).for_each(|_| memcpy_all(&batch, &mut dst));
        }
        "net" => (0..passes).for_each(|_| decode_all::<_, T>(&net, &batch)),
        "wincode-be" => {
            let wincode = Wincode::<WincodeBe>("wincode-be", WincodeBe::new());
            let batch = Batch::encode(&wincode, messages)?;
            (0..passes).for_each(|_| decode_all::<_, T>(&wincode, &batch));
        }
        "net-encode" => encode(&net, messages, &batch, passes),
        "bincode-legacy-be-encode" => {
            let bincode = Bincode(
                "bincode-legacy-be",
                bincode::config::legacy().with_big_endian(),
            );
            encode(&bincode, messages, &batch, passes);
        }
        "wincode-be-encode" => {
            let wincode = Wincode::<WincodeBe>("wincode-be", WincodeBe::new());
            encode(&wincode, messages, &batch, passes);
        }
        other => return Err(format!("unknown decoder {other}")),
    }
    Ok(())
}

/// Encodes every message into one reused slice, `passes` times. The slice
/// is twice the `net` batch: every format here writes at most that.
fn encode<F: Format, T: Owned>(format: &F, messages: &[T], batch: &Batch, passes: usize) {
    let mut out = vec![0u8; 2 * batch.len() + 64];
    (0..passes).for_each(|_| encode_all_slice(format, messages, &mut out));
}

fn triangles(decoder: &str, passes: usize) -> Result<(), String> {
    use datasets::triangles::{decode_runs, decode_runs_borrowed, runs};
    let meshes = datasets::triangle_meshes(datasets::TRIANGLES);
    match decoder {
        "net-records" | "net-records-borrowed" | "to_vec" => {
            let (batch, _) = runs(&meshes);
            for _ in 0..passes {
                match decoder {
                    "net-records" => decode_runs(&batch),
                    "to_vec" => batch.messages().for_each(|m| {
                        black_box(black_box(m).get(8..).unwrap_or_default().to_vec());
                    }),
                    _ => decode_runs_borrowed(&batch),
                }
            }
            Ok(())
        }
        _ => run(&meshes, decoder, passes),
    }
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dataset, decoder, passes] = &args[..] else {
        return Err("usage: passes <dataset> <decoder> <passes>".into());
    };
    let passes: usize = passes.parse().map_err(|e| format!("passes: {e}"))?;
    match dataset.as_str() {
        "log" => run(&datasets::logs(datasets::LOGS), decoder, passes),
        "mesh" => run(&datasets::meshes(datasets::MESHES), decoder, passes),
        "savedata" => run(&datasets::players(datasets::PLAYERS), decoder, passes),
        "triangles" => triangles(decoder, passes),
        other => Err(format!("unknown dataset {other}")),
    }
}
