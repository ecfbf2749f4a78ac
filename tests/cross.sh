#!/usr/bin/env bash
# A cross-built belay-run under emulation against the unix test board: the emulated binary opens
# the board's pty itself, as on a Raspberry Pi with a USB board (qemu-user), or as COM5 (wine,
# which maps the port to the pty through its registry, HKLM\Software\Wine\Ports).
#
#   bash tests/cross.sh RUNNER BINARY   e.g. bash tests/cross.sh qemu-aarch64 dist/out/aarch64-unknown-linux-gnu/belay-run
#                                            bash tests/cross.sh wine dist/out/x86_64-win7-windows-gnu/belay-run.exe
#
# Checks: --version; the walking-skeleton script (tests/scripts/literals.py: every literal kind
# round-trips); an example with its output compared (02_blink_neopixel); `exec`; a sync
# (tests/scripts/sync.py, into a scratch folder) and `fs ls` of what it left. Under wine also:
# host paths with backslashes in `sync`, `terminal` with piped input, and an `exec:` port.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runner="${1:?usage: bash tests/cross.sh RUNNER BINARY}"
bin="${2:?usage: bash tests/cross.sh RUNNER BINARY}"
bash tests/boards/install.sh >/dev/null
scratch="$(mktemp -d /tmp/belay-cross-XXXXXX)"
board_pid=""
net_pids=()
cleanup() {
  [ -n "$board_pid" ] && kill "$board_pid" 2>/dev/null || true
  for pid in "${net_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

fail() { echo "tests/cross.sh: FAILED: $*" >&2; exit 1; }

python3 tests/boards/board.py unix --workdir "$scratch" >"$scratch/port" 2>"$scratch/board.log" &
board_pid=$!
for _ in $(seq 100); do [ -s "$scratch/port" ] && break; sleep 0.1; done
pty="$(head -1 "$scratch/port")"
[ -n "$pty" ] || fail "the unix test board did not start: $(cat "$scratch/board.log")"

# A dynamically linked armv7 build finds the armhf glibc here (Debian's libc6-armhf-cross).
case "$runner" in qemu-arm) export QEMU_LD_PREFIX="${QEMU_LD_PREFIX:-/usr/arm-linux-gnueabihf}" ;; esac
windows=0
case "$bin" in *.exe) windows=1 ;; esac
if [ "$windows" -eq 1 ]; then
  # A prefix of our own, made once; COM5 is the board's pty (wine reads the mapping when its
  # server starts, so the server is restarted after the change).
  export WINEPREFIX="${WINEPREFIX:-$HOME/.cache/belay-wine}" WINEDEBUG=-all
  [ -d "$WINEPREFIX" ] || "$runner" wineboot -i >/dev/null 2>&1
  "$runner" reg add 'HKLM\Software\Wine\Ports' /v COM5 /t REG_SZ /d "$pty" /f >/dev/null
  wineserver -k >/dev/null 2>&1 || true
  # A server of our own, quiet: one started by a test command would print its object dump into
  # the test's output when it exits.
  wineserver -p5 >/dev/null 2>&1
  port=COM5
  host() { echo "Z:${1//\//\\}"; }
else
  port="$pty"
  host() { echo "$1"; }
fi
if [ "$windows" -eq 1 ]; then
  # Text written on Windows ends its lines with CR LF.
  belay() { timeout 300 "$runner" "$bin" "$@" | tr -d '\r'; }
else
  belay() { timeout 300 "$runner" "$bin" "$@"; }
fi

echo "--- $runner $bin --version"
belay --version | tee "$scratch/out"
grep -q "^belay-run " "$scratch/out" || fail "--version"

echo "--- the walking skeleton: tests/scripts/literals.py"
belay "$(host "$root/tests/scripts/literals.py")" "$port" | tee "$scratch/out"
[ "$(tail -1 "$scratch/out")" = "literals ok 34" ] || fail "literals.py"

echo "--- an example: 02_blink_neopixel"
belay --port "$port" "$(host "$root/examples/02_blink_neopixel/main.py")" -n 2 --period 0 >"$scratch/out"
expected="$(printf 'red: pixel is (255, 0, 0)\ngreen: pixel is (0, 255, 0)\nblue: pixel is (0, 0, 255)\n%.0s' 1 2)"
[ "$(cat "$scratch/out")" = "$expected" ] || fail "02_blink_neopixel printed: $(cat "$scratch/out")"
echo ok

echo "--- exec"
[ "$(belay exec "$port" '6 * 7')" = "42" ] || fail "exec"
echo ok

echo "--- sync: tests/scripts/sync.py into $scratch/synced"
belay "$(host "$root/tests/scripts/sync.py")" "$port" "$scratch/synced" | tee "$scratch/out"
[ "$(tail -1 "$scratch/out")" = "sync ok" ] || fail "sync.py"
mkdir -p "$scratch/project/lib"
echo "VALUE = 7" >"$scratch/project/lib/conf.py"
printf 'line one\nline two\n' >"$scratch/project/lib/data.txt"
belay sync "$port" "$(host "$scratch/project")" --dst "$scratch/board"
belay fs "$port" ls -r ":$scratch/board" | tee "$scratch/out"
grep -q "lib/conf.py" "$scratch/out" || fail "sync then fs ls"
# Python source arrives minified (as Belay sends it); other files as they are.
[ "$(cat "$scratch/board/lib/conf.py")" = "VALUE=7" ] || fail "synced source: $(cat "$scratch/board/lib/conf.py")"
cmp "$scratch/project/lib/data.txt" "$scratch/board/lib/data.txt" || fail "synced data file"

if [ "$windows" -eq 1 ]; then
  echo "--- list (serialport's Windows listing: wine shows its mapped ports, without USB details)"
  belay list | tee "$scratch/out"
  grep -q "^COM5 " "$scratch/out" || fail "list"
  echo "--- terminal with piped input"
  printf 'print(6 * 7)\n' | belay terminal "$port" | tee "$scratch/out"
  grep -q "^42" "$scratch/out" || fail "terminal"
  echo "--- socket://, exec: and WebREPL ports (boards served over TCP by tests/boards/net_board.py)"
  # A network board stops when its stdin closes: a fifo this script holds open until it ends.
  # Sets $address.
  net_board() {
    mkfifo "$scratch/hold-$1"
    python3 tests/boards/net_board.py "$@" <"$scratch/hold-$1" >"$scratch/net-$1" 2>"$scratch/net-$1.log" &
    net_pids+=("$!")
    eval "exec {fd}>\"\$scratch/hold-$1\""
    for _ in $(seq 100); do [ -s "$scratch/net-$1" ] && break; sleep 0.1; done
    address="$(head -1 "$scratch/net-$1")"
  }
  net_board tcp
  [ -n "$address" ] || fail "the network test board did not start: $(cat "$scratch/net-tcp.log")"
  [ "$(belay exec "socket://$address" '6 * 7')" = "42" ] || fail "socket:// port"
  # exec: runs a Windows program through cmd /C: belay-run.exe itself, relaying its stdin and
  # stdout to the board (wine gives a Linux child no pipes of a Windows parent).
  relay="exec:$(host "$(realpath "$bin")") $(host "$root/tests/scripts/relay.py") ${address%:*} ${address##*:}"
  [ "$(belay exec "$relay" '6 * 7')" = "42" ] || fail "exec: port"
  net_board webrepl --password s3cret
  [ -n "$address" ] || fail "the WebREPL test board did not start: $(cat "$scratch/net-webrepl.log")"
  [ "$(belay exec "ws://$address" --password s3cret '6 * 7')" = "42" ] || fail "WebREPL port"
  echo ok
fi
echo "tests/cross.sh: all checks passed under $runner"
