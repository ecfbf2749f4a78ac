#!/usr/bin/env bash
# Fuzz every target for a while with libFuzzer (cargo fuzz on the stable toolchain: RUSTC_BOOTSTRAP
# lets it pass its -Z sanitizer flags), starting from the seeds in tests/fuzz/seeds/.
#
#     bash tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Default: 60 s per target, all targets. New inputs go to a working corpus outside the repository;
# a crash, a hang (one input over 10 s) or an allocation over 512 MB fails the run and leaves the
# input in tests/fuzz/artifacts/. The last statistics line of each run is printed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(literal reply_splitter frame_filter raw_repl)

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2 --locked
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${BELAY_FUZZ_TARGET:-$HOME/.cache/belay-fuzz-target}"
work="$CARGO_TARGET_DIR/corpus"
cargo fuzz build --fuzz-dir tests/fuzz

for target in "${targets[@]}"; do
  mkdir -p "$work/$target"
  log="$CARGO_TARGET_DIR/fuzz-$target.log"
  echo "fuzzing $target for ${seconds}s"
  if ! cargo fuzz run --fuzz-dir tests/fuzz "$target" "$work/$target" "tests/fuzz/seeds/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
      -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $target failed; the input is in tests/fuzz/artifacts/$target/" >&2
    exit 1
  fi
  { grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" || true; } | tail -1
  { grep -aE '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true; } |
    tr -s '\n\t ' '  '
  echo
done
