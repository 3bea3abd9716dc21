#!/usr/bin/env bash
# Fuzzing gate: builds every cargo-fuzz target (nightly, debug assertions and
# overflow checks on: cargo-fuzz's default), runs each for FUZZ_SECONDS
# (default 20) from its committed seeds, and fails on any crash, panic, leak,
# timeout or allocation over the memory bound. Then runs the exhaustive
# tests in release (every net input of 3 bytes, every ascii string of 4
# and 5 symbols). About 9 minutes on 2 cores from a cold cache.
#
#   bash .ci/fuzz.sh                 # every target
#   bash .ci/fuzz.sh net_from_slice  # the named targets only
#   FUZZ_SECONDS=600 bash .ci/fuzz.sh frame_delimited
#
# Memory bound: -malloc_limit_mb=16 is the formats' and framings' default
# per-message limit of 16 MiB: no single allocation may exceed it. The
# targets configure limits of at most 1 MiB (fuzz/src/lib.rs). The RSS
# limit is libFuzzer's default, 2048 MB: under AddressSanitizer the
# process keeps memory that was freed, so its RSS grows over a long run
# while the live heap stays small (a 10-minute net_from_slice run passed
# 512 MB with 27 MB live, 24 MB of it libFuzzer's own). What the crate
# allocates is bounded by -malloc_limit_mb; -rss_limit_mb only catches a
# runaway.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
SECONDS_EACH="${FUZZ_SECONDS:-20}"
step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cargo +nightly --version
cargo fuzz --version

step "build the fuzz targets"
(cd fuzz && cargo +nightly fuzz build)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi

export ASAN_OPTIONS="quarantine_size_mb=16${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
for t in "${targets[@]}"; do
    step "fuzz $t for ${SECONDS_EACH}s"
    dict=()
    case "$t" in ascii_* | stream_* | codec_* | from_reader_*) dict=(-dict=ascii.dict) ;; esac
    # A fresh work directory per run, seeded from the committed corpus, so
    # a CI checkout is not filled with generated inputs.
    work="$(mktemp -d)"
    cp -r "fuzz/corpus/$t/." "$work/" 2>/dev/null || true
    log="$work.log"
    set +e
    (cd fuzz && cargo +nightly fuzz run "$t" "$work" -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -malloc_limit_mb=16 \
        -timeout=10 -print_final_stats=1 "${dict[@]}") >"$log" 2>&1
    status=$?
    set -e
    grep -E '^#[0-9]+ *DONE|^Done|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
    rm -rf "$work"
    if [ "$status" -ne 0 ]; then
        tail -n 60 "$log" >&2
        echo "fuzz target $t failed (exit $status); the input is under fuzz/artifacts/$t/" >&2
        exit "$status"
    fi
    rm -f "$log"
done

step "exhaustive inputs, release"
cargo test --release --features fuzz --test bounds_exhaustive -- --include-ignored
