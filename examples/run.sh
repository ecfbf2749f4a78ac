#!/usr/bin/env bash
# Build belay-run, start a real MicroPython test board behind a pty and run an example on it.
#
#   bash examples/run.sh [--board unix|wasm] [--no-startup] [EXAMPLE] [EXAMPLE ARGS...]
#   bash examples/run.sh 01_blink_led --count 5
#
# --no-startup makes every Device with startup="" (no convenience imports on the board), through
# tests/examples/without_startup.py.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
board=unix
runner=()
while [ $# -gt 0 ]; do
  case "$1" in
    --board) board="$2"; shift 2 ;;
    --no-startup) runner=(tests/examples/without_startup.py); shift ;;
    *) break ;;
  esac
done
example="${1:-01_blink_led}"
[ $# -gt 0 ] && shift

bash tests/system/install.sh >/dev/null
bash tests/boards/install.sh >/dev/null
cargo build --release --locked --ignore-rust-version --bin belay-run
bin="${CARGO_TARGET_DIR:-$root/target}/x86_64-unknown-linux-gnu/release/belay-run"

# The board lives as long as this script: its wrapper stops when our pipe to it closes.
coproc BOARD { tests/boards/.venv/bin/python tests/boards/board.py "$board"; }
read -r port <&"${BOARD[0]}"
echo "board: MicroPython $board port on $port" >&2
extra=()
# The unix port's filesystem is the host's: the sync example gets a scratch folder, not "/".
if [ "$board" = unix ] && [ "$example" = 06_external_modules_and_file_sync ]; then
  extra=(--dst "$(mktemp -d)/board")
fi
"$bin" --port "$port" "${runner[@]}" "examples/$example/main.py" "${extra[@]}" "$@"
