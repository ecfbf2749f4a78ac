#!/usr/bin/env bash
# Run every test: install what the tests use when missing (system packages with apt, the two real
# test boards, the host test packages, the PyPI wheels of tests/pypi), then cargo's unit, protocol
# and end-to-end tests (the end-to-end ones drive the boards through ptys), each fuzz target in its
# short mode (60 s; BELAY_FUZZ_SECONDS changes it), and the static release binary's checks.
#
#     bash tests/run.sh                 # everything
#     bash tests/run.sh ARGS...         # only `cargo test ARGS...` (e.g. `--test e2e faults::`)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tests/system/install.sh
bash tests/boards/install.sh
bash tests/host/install.sh
bash tests/packages/install.sh
bash tests/pypi/install.sh
# One build for everything: the release profile, static (.cargo/config.toml), shared by the tests,
# the static-binary checks and the benchmarks. RustPython 0.6 needs ruff 0.16.5, which declares
# Rust 1.96; it builds fine on 1.95.
cargo test --release --locked --ignore-rust-version --workspace "$@"
if [ $# -eq 0 ]; then
  bash tests/fuzz/run.sh "${BELAY_FUZZ_SECONDS:-60}"
  bash tests/static_binary.sh
fi
