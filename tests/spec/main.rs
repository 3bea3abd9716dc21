//! `netwire::spec` checked with the real tools: python3, gcc, tshark, and
//! packets of the Python libraries scapy, dpkt and tftpy (`outside_peers`).
//!
//! A missing tool fails the test under `CI=true` and skips it otherwise.
//! `NETWIRE_BLESS=1` rewrites the golden files.

mod c;
mod catalogue;
mod compat;
mod conformance;
mod dynamic;
mod golden;
mod lockfiles;
mod outside_peers;
mod python;
mod types;
mod wireshark;
mod wrappers;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether `tool` runs; a missing tool is a failure in CI.
pub fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{tool} is needed by the spec tests (CI=true)");
        }
        eprintln!("notice: {tool} not found, test skipped");
    }
    ok
}

/// A fresh scratch directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("spec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Lowercase hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Builds `main.c` in `dir` with gcc as C99, every warning an error
/// (`extra` flags after those), under AddressSanitizer and UBSan, into
/// `dir/exe`, and runs it with `input` (when given) on its standard input.
/// A failed build fails the test with gcc's words; the run's output is
/// the caller's to judge.
pub fn run_c(dir: &Path, exe: &str, extra: &[&str], input: Option<&str>) -> std::process::Output {
    let exe = dir.join(exe);
    let cc = Command::new("gcc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(extra)
        .args([
            "-g",
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-o",
        ])
        .arg(&exe)
        .arg(dir.join("main.c"))
        .current_dir(dir)
        .output()
        .expect("gcc runs");
    assert!(
        cc.status.success(),
        "gcc:\n{}",
        String::from_utf8_lossy(&cc.stderr)
    );
    let mut run = Command::new(&exe);
    run.env("ASAN_OPTIONS", "detect_leaks=0");
    if let Some(input) = input {
        let path = dir.join("in.txt");
        std::fs::write(&path, input).expect("write the input");
        run.stdin(std::fs::File::open(&path).expect("open the input"));
    }
    run.output().expect("runs")
}

/// Runs the Python program `script` with `dir` as its argument and
/// `input` on its standard input, to its end: what it printed. The input
/// is written from a thread of its own, so a program that answers while
/// it reads cannot block on a full pipe.
pub fn run_python(script: &str, dir: &Path, input: &str) -> std::process::Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("python3 ends");
    writer.join().expect("writer").expect("stdin written");
    out
}
