#!/usr/bin/env bash
# Dependency audit against the RustSec advisory database kept beside the
# repository (../shared/advisory-db; ADVISORY_DB overrides), offline. Audits
# the crate's Cargo.lock and the fuzz crate's fuzz/Cargo.lock; any
# advisory (vulnerability, unmaintained, unsound) fails, except the one
# ignored below. Installs cargo-audit when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${ADVISORY_DB:-../shared/advisory-db}"

if ! cargo audit --version >/dev/null 2>&1; then
    cargo install cargo-audit --locked
fi
cargo audit --version

# RUSTSEC-2025-0141, "bincode is unmaintained": bincode 2.0.1 is only a
# dev-dependency (and a dependency of the fuzz crate), kept deliberately as
# the reference the `bincode_legacy` preset is tested against. netwire does
# not depend on it.
IGNORE=(--ignore RUSTSEC-2025-0141)

for lock in Cargo.lock fuzz/Cargo.lock; do
    echo "==> cargo audit $lock"
    # --no-yanked: the yanked check asks the registry; the audit stays offline.
    cargo audit --no-fetch --no-yanked --db "$DB" --file "$lock" --deny warnings "${IGNORE[@]}"
done
