#!/usr/bin/env bash
# One command for the benchmarks: test boards, Belay 0.30.1 (and mpremote 1.29.0, for
# bench/mount_fs.py, and uv 0.13.10, for bench/pip.py) from PyPI in a bench-only venv, belay-run
# and the protocol floor built (release, under target/x86_64-unknown-linux-gnu/ as
# .cargo/config.toml names the target), then all three measured in one run: every board
# unpaced, and the unix board on paced links (115200 and 921600 baud by default).
#
#   bash bench/run.sh [--boards unix,wasm] [--bauds 115200,921600] [--repeat N] [--paced-repeat N]
#                     [--no-paced-sync]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tests/boards/install.sh >/dev/null
if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c 'import belay' 2>/dev/null \
  || [ ! -x bench/.venv/bin/mpremote ] || [ ! -x bench/.venv/bin/uv ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet --disable-pip-version-check "belay==0.30.1" "mpremote==1.29.0" \
    "uv==0.13.10"
fi
cargo build --release --ignore-rust-version --bin belay-run
cargo build --release --ignore-rust-version -p belay-transport --example floor
bench/.venv/bin/python bench/bench.py "$@"
