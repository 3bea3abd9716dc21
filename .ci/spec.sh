#!/usr/bin/env bash
# Installs what the spec tests (tests/spec) run: python3, gcc, tshark.
# Skips what is present; uses sudo when not root and sudo exists.
set -euo pipefail
missing=()
command -v python3 >/dev/null || missing+=(python3)
command -v gcc >/dev/null || missing+=(gcc)
command -v tshark >/dev/null || missing+=(tshark)
if [ ${#missing[@]} -eq 0 ]; then
    echo "python3, gcc and tshark are present"
    exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
        echo "cannot install ${missing[*]}: not root and no sudo" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
