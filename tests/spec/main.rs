//! `netwire::spec` checked with the real tools: python3, gcc, tshark.
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
mod python;
mod types;
mod wireshark;
mod wrappers;

use std::path::PathBuf;
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
