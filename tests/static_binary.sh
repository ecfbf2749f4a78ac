#!/usr/bin/env bash
# The release binary, linked statically (glibc with +crt-static): `ldd` must find nothing to load,
# and from an empty folder with nothing on PATH it must start, report its version and drive a
# real test board. Prints its size and start-up time (measured, never asserted).
#
#     bash tests/static_binary.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The repository's cargo configuration (.cargo/config.toml) makes every build static: glibc with
# +crt-static, and Debian's libffi.a (libffi-dev) in place of the shared libffi.
[ -f /usr/lib/x86_64-linux-gnu/libffi.a ] || { echo "static binary: libffi.a not found (libffi-dev)" >&2; exit 1; }
cargo build --ignore-rust-version --release --locked -p belay-run
bin="${CARGO_TARGET_DIR:-$root/target}/x86_64-unknown-linux-gnu/release/belay-run"

fail() { echo "static binary: $*" >&2; exit 1; }
# The README's install command gives the very same binary (it reuses this build).
installed="$(mktemp -d)"
cargo install --quiet --locked --ignore-rust-version --path crates/runtime --root "$installed"
cmp -s "$installed/bin/belay-run" "$bin" || fail "cargo install built another binary than cargo build --release"
rm -rf "$installed"

ldd_out="$(ldd "$bin" 2>&1 || true)"
case "$ldd_out" in
  *"not a dynamic executable"* | *"statically linked"*) ;;
  *) fail "ldd lists shared libraries: $ldd_out" ;;
esac

empty="$(mktemp -d)"
board_dir="$(mktemp -d)"
trap 'exec 3>&- 2>/dev/null; rm -rf "$empty" "$board_dir"' EXIT
cp "$bin" "$empty/belay-run"
cat >"$empty/double.py" <<'PY'
import sys
import belay

device = belay.Device(sys.argv[1])


@device.task
def double(x):
    return 2 * x


print(double(21), sys.implementation.name)
PY
cd "$empty"
version="$(env -i PATH=/nonexistent ./belay-run --version)"
case "$version" in
  "belay-run "*"(RustPython "*) ;;
  *) fail "unexpected --version output: $version" ;;
esac

# A unix test board behind a pty; it stops when its stdin (fd 3 here) closes.
mkfifo "$board_dir/ctl"
python3 "$root/tests/boards/board.py" unix <"$board_dir/ctl" >"$board_dir/out" 2>&1 &
exec 3>"$board_dir/ctl"
for _ in $(seq 100); do
  port="$(head -1 "$board_dir/out" 2>/dev/null || true)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "the test board did not start"
got="$(env -i PATH=/nonexistent ./belay-run double.py "$port")"
[ "$got" = "42 rustpython" ] || fail "the script printed '$got'"

# In an empty root, as a container made FROM scratch has it (no libc, no NSS libraries, no /etc
# but a hosts file, no /proc; only the device nodes a container runtime provides), with the binary
# and a script: network boards reached by host name, as `ws://localhost`, `telnet://myboard`
# (from the root's /etc/hosts) and `socket://localhost`. Needs root (chroot, mknod).
jail="$(mktemp -d)"
servers=()
stop_servers() { for fd in "${servers[@]}"; do eval "exec $fd>&-"; done; rm -rf "$jail"; }
mkdir -p "$jail/etc" "$jail/work" "$jail/dev"
cp "$bin" "$jail/belay-run"
cp "$root/tests/scripts/named_hosts.py" "$jail/work/"
echo "127.0.0.1 myboard" >"$jail/etc/hosts"
ports=()
fd=10
for protocol in webrepl telnet tcp; do
  fifo="$board_dir/net-$protocol"
  mkfifo "$fifo"
  python3 "$root/tests/boards/net_board.py" "$protocol" --password s3cret <"$fifo" >"$board_dir/$protocol.out" 2>&1 &
  eval "exec $fd>\"$fifo\""
  servers+=("$fd")
  fd=$((fd + 1))
  address=""
  for _ in $(seq 100); do
    address="$(head -1 "$board_dir/$protocol.out" 2>/dev/null || true)"
    [ -n "$address" ] && break
    sleep 0.1
  done
  [ -n "$address" ] || fail "the $protocol board did not start"
  port_number="${address##*:}"
  case "$protocol" in
    webrepl) ports+=("ws://localhost:$port_number") ;;
    telnet) ports+=("telnet://myboard:$port_number") ;;
    tcp) ports+=("socket://localhost:$port_number") ;;
  esac
done
chroot_bin="$(command -v chroot || echo /usr/sbin/chroot)"
enter=()
if [ "$(id -u)" -eq 0 ] && mknod -m 666 "$jail/dev/null" c 1 3 2>/dev/null; then
  mknod -m 666 "$jail/dev/zero" c 1 5
  mknod -m 666 "$jail/dev/random" c 1 8
  mknod -m 666 "$jail/dev/urandom" c 1 9
  enter=("$chroot_bin" "$jail")
fi
if [ ${#enter[@]} -gt 0 ]; then
  got="$(env -i "${enter[@]}" /belay-run /work/named_hosts.py s3cret "${ports[@]}" 2>&1)" ||
    fail "in an empty root: $got"
  [ "$got" = "$(printf 'ws 42\ntelnet 42\nsocket 42\nnamed hosts ok')" ] || fail "in an empty root: $got"
  echo "static binary: boards reached by name from an empty root (no NSS libraries)"
else
  echo "static binary: the empty-root check needs root (chroot, mknod): SKIPPED" >&2
fi
stop_servers

# Start-up: the median of 11 runs of --version and of an empty script.
: >empty.py
median_ms() {
  local times=()
  for _ in $(seq 11); do
    local t0 t1
    t0=$(date +%s%N)
    env -i PATH=/nonexistent "$@" >/dev/null
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 100000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 6p | awk '{printf "%.1f", $1 / 10}'
}
size=$(stat -c %s belay-run)
echo "static binary ok: $version"
echo "  size $(awk -v s="$size" 'BEGIN {printf "%.1f MiB", s / 1048576}'), start-up: --version $(median_ms ./belay-run --version) ms, empty script $(median_ms ./belay-run empty.py) ms"
