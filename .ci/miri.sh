#!/usr/bin/env bash
# Miri: the format, framing and stream tests below run under Miri, by
# default on the big-endian s390x target (where network order is host
# order, so a missing byte swap shows); MIRI_TARGETS picks others:
#
#   bash .ci/miri.sh
#   MIRI_TARGETS="x86_64-unknown-linux-gnu s390x-unknown-linux-gnu i686-unknown-linux-gnu" bash .ci/miri.sh
#
# The subset: the library's unit tests and the test modules RUNS selects,
# with quickcheck at 10 cases of size 16, skipping the tests in SKIP (each
# alone takes minutes under Miri: million-element loops, every cut of long
# inputs, random-input properties; they run natively in `cargo test`).
# Test binaries and modules left out (TCP sockets, process spawning, allocator
# measurements, exhaustive inputs, the long round-trip properties) are left
# to the native run, as is `net`'s module `room` (its properties decode
# thousands of messages). About 3 minutes per target on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
TARGETS="${MIRI_TARGETS:-s390x-unknown-linux-gnu}"
step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
rustup component add miri rust-src --toolchain nightly
cargo +nightly miri --version
# criterion (a dev-dependency) builds a little C for the target; Miri never
# runs it, but the build needs the target's C compiler.
for target in ${TARGETS}; do
    case "$target" in
        s390x-unknown-linux-gnu)
            cc_pkgs=(gcc-s390x-linux-gnu libc6-dev-s390x-cross) cc_bin=s390x-linux-gnu-gcc
            header=/usr/s390x-linux-gnu/include/stdint.h ;;
        i686-unknown-linux-gnu)
            cc_pkgs=(gcc-i686-linux-gnu libc6-dev-i386-cross) cc_bin=i686-linux-gnu-gcc
            header=/usr/i686-linux-gnu/include/stdint.h ;;
        *) continue ;;
    esac
    # The compiler and the target's C headers (a compiler installed without
    # its recommends has none, and the build of criterion's C fails).
    if ! command -v "$cc_bin" >/dev/null 2>&1 || [ ! -f "$header" ]; then
        apt-get update -qq && apt-get install -y -qq --no-install-recommends "${cc_pkgs[@]}" >/dev/null
    fi
done

# Each run: the cargo test selection, then the tests of that binary that
# stay native (each binary holds several former test files, one module
# each: `--skip roundtrip::` leaves out the module `roundtrip`).
RUNS=(
    "--lib|"
    "--test net|--skip bincode:: --skip roundtrip:: --skip truncation:: --skip room::"
    "--test frame|--skip chunking:: --skip growth::"
    "--test ascii|regression_partial_token::"
    "--test stream|--skip codec:: --skip framings::"
    "--test futures --features futures|--skip loopback_tcp --skip dropped_mid_message --skip writer_pending"
)
SKIP=(
    --skip nested_counts_share_one_element_budget
    --skip any_schedule
    --skip obvious_retry_loop
    --skip cost::tests
    --skip over_the_encoding_limit
    --skip huge_capacity
    --skip every_adapter_round_trips
    --skip every_truncation_of_an_adapted_message
    --skip ascii_writes_adapted_fields
    --skip every_shape_in_every_config
    --skip eof_at_every_offset
    --skip at_every_position
    --skip never_retries_without_new_bytes
    --skip trickle
    --skip every_prefix_needs_more_or_fails_as_the_whole
    --skip a_value_encodes_exactly_when_its_bytes_read_back_as_it
    --skip _match_the_module
    --skip records_write_and_read_the_bytes_of_their_serde_twin
    --skip messages_round_trip_wherever_the_field_cuts_them
    --skip arbitrary_input_gives_messages_or_located_errors
    --skip decode_split_agrees_with_from_slice
)

export QUICKCHECK_TESTS=10 QUICKCHECK_GENERATOR_SIZE=16
for target in $TARGETS; do
    step "miri on $target"
    cargo +nightly miri setup --target "$target"
    for run in "${RUNS[@]}"; do
        read -ra selection <<<"${run%%|*}"
        read -ra filters <<<"${run#*|}"
        cargo +nightly miri test --target "$target" "${selection[@]}" -- "${SKIP[@]}" "${filters[@]}"
    done
done
