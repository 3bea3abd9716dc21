#!/usr/bin/env bash
# Installs what the spec tests (tests/spec) run: python3, gcc, tshark, and
# the Python packet libraries the outside-peer tests build packets with.
# Skips what is present; uses sudo when not root and sudo exists.
set -euo pipefail
# Versions the outside-peer tests (tests/spec/outside_peers.rs) ran with.
py_libs=(scapy==2.8.0 dpkt==1.9.8 tftpy==0.8.7)
install_py_libs() {
    if python3 -c "import scapy, dpkt, tftpy" 2>/dev/null; then
        echo "scapy, dpkt and tftpy are present"
    else
        # A distribution's own python3 refuses pip without the last flag (PEP 668).
        python3 -m pip install --quiet "${py_libs[@]}" ||
            python3 -m pip install --quiet --break-system-packages "${py_libs[@]}"
    fi
}
missing=()
command -v python3 >/dev/null || missing+=(python3)
command -v gcc >/dev/null || missing+=(gcc)
command -v tshark >/dev/null || missing+=(tshark)
if [ ${#missing[@]} -eq 0 ]; then
    echo "python3, gcc and tshark are present"
    install_py_libs
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
python3 -m pip --version >/dev/null 2>&1 ||
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-pip
install_py_libs
