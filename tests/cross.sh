#!/usr/bin/env bash
# A cross-built belay-run under user-mode emulation against the unix test board: the emulated
# binary opens the board's pty itself, as on a Raspberry Pi with a USB board.
#
#   bash tests/cross.sh QEMU BINARY        e.g. bash tests/cross.sh qemu-aarch64 dist/out/aarch64-unknown-linux-gnu/belay-run
#
# Checks: --version; the walking-skeleton script (tests/scripts/literals.py: every literal kind
# round-trips); an example with its output compared (02_blink_neopixel); `exec`; a sync
# (tests/scripts/sync.py, into a scratch folder) and `fs ls` of what it left.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
qemu="${1:?usage: bash tests/cross.sh QEMU BINARY}"
bin="${2:?usage: bash tests/cross.sh QEMU BINARY}"
bash tests/boards/install.sh >/dev/null
scratch="$(mktemp -d /tmp/belay-cross-XXXXXX)"
board_pid=""
cleanup() {
  [ -n "$board_pid" ] && kill "$board_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

belay() { timeout 300 "$qemu" "$bin" "$@"; }
fail() { echo "tests/cross.sh: FAILED: $*" >&2; exit 1; }

python3 tests/boards/board.py unix --workdir "$scratch" >"$scratch/port" 2>"$scratch/board.log" &
board_pid=$!
for _ in $(seq 100); do [ -s "$scratch/port" ] && break; sleep 0.1; done
port="$(head -1 "$scratch/port")"
[ -n "$port" ] || fail "the unix test board did not start: $(cat "$scratch/board.log")"

echo "--- $qemu $bin --version"
belay --version | tee "$scratch/out"
grep -q "^belay-run " "$scratch/out" || fail "--version"

echo "--- the walking skeleton: tests/scripts/literals.py"
belay tests/scripts/literals.py "$port" | tee "$scratch/out"
[ "$(tail -1 "$scratch/out")" = "literals ok 34" ] || fail "literals.py"

echo "--- an example: 02_blink_neopixel"
belay --port "$port" examples/02_blink_neopixel/main.py -n 2 --period 0 >"$scratch/out"
expected="$(printf 'red: pixel is (255, 0, 0)\ngreen: pixel is (0, 255, 0)\nblue: pixel is (0, 0, 255)\n%.0s' 1 2)"
[ "$(cat "$scratch/out")" = "$expected" ] || fail "02_blink_neopixel printed: $(cat "$scratch/out")"
echo ok

echo "--- exec"
[ "$(belay exec "$port" '6 * 7')" = "42" ] || fail "exec"
echo ok

echo "--- sync: tests/scripts/sync.py into $scratch/synced"
belay tests/scripts/sync.py "$port" "$scratch/synced" | tee "$scratch/out"
[ "$(tail -1 "$scratch/out")" = "sync ok" ] || fail "sync.py"
mkdir -p "$scratch/project/lib"
echo "VALUE = 7" >"$scratch/project/lib/conf.py"
belay sync "$port" "$scratch/project" --dst "$scratch/board"
belay fs "$port" ls -r ":$scratch/board" | tee "$scratch/out"
grep -q "lib/conf.py" "$scratch/out" || fail "sync then fs ls"
[ "$(cat "$scratch/board/lib/conf.py")" = "VALUE = 7" ] || fail "synced content"
echo "tests/cross.sh: all checks passed under $qemu"
