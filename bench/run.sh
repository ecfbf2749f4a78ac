#!/usr/bin/env bash
# One command for the benchmarks: test boards, Belay 0.30.1 from PyPI in a bench-only venv,
# belay-run and the protocol floor built, then all three measured in one run.
#
#   bash bench/run.sh [--boards unix,wasm]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tests/boards/install.sh >/dev/null
if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c 'import belay' 2>/dev/null; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet --disable-pip-version-check "belay==0.30.1"
fi
cargo build --ignore-rust-version --bin belay-run --example floor
bench/.venv/bin/python bench/bench.py "$@"
