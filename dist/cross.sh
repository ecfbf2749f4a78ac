#!/usr/bin/env bash
# Cross-build belay-run for another target with Debian's own Rust, then test the binary under
# emulation against the unix test board (README "Platforms").
#
#   bash dist/cross.sh TARGET [--no-test]
#
# TARGET: aarch64-unknown-linux-gnu (64-bit Raspberry Pi OS) or armv7-unknown-linux-gnueabihf
# (32-bit). rustup cannot fetch other targets' standard library here, so the build uses Debian's
# rustc-web (Rust 1.96) and builds std from its source (rust-web-src) with `-Zbuild-std`
# (RUSTC_BOOTSTRAP=1: build-std is a nightly cargo feature). The binary is static (glibc with
# +crt-static, as the x86-64 one) and lands in dist/out/TARGET/belay-run. Debian's cross compiler
# links it; libffi (RustPython's ctypes) is Debian's libffi.a for that architecture (multiarch).
# Tests: qemu-user runs the binary, which opens the unix test board's pty itself (tests/cross.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${1:?usage: bash dist/cross.sh TARGET [--no-test]}"
test_it=1
[ "${2:-}" = "--no-test" ] && test_it=0

case "$target" in
  aarch64-unknown-linux-gnu) arch=arm64 gnu=aarch64-linux-gnu qemu=qemu-aarch64 ;;
  armv7-unknown-linux-gnueabihf) arch=armhf gnu=arm-linux-gnueabihf qemu=qemu-arm ;;
  *) echo "dist/cross.sh: no recipe for $target (aarch64-unknown-linux-gnu, armv7-unknown-linux-gnueabihf)" >&2; exit 2 ;;
esac

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# Debian's cross toolchain, Rust with its std source, the target's libffi, and qemu-user.
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  $sudo dpkg --add-architecture "$arch"
fi
need=(rustc-web cargo-web rust-web-src "gcc-$gnu" "libc6-dev-$arch-cross" "libffi-dev:$arch" qemu-user)
missing=()
for pkg in "${need[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

started=$(date +%s)
upper=$(echo "$target" | tr 'a-z-' 'A-Z_')
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/belay-cross}"
export "CARGO_TARGET_${upper}_LINKER=$gnu-gcc"
export "CARGO_TARGET_${upper}_RUSTFLAGS=-C target-feature=+crt-static"
export "CC_${target//-/_}=$gnu-gcc" "AR_${target//-/_}=$gnu-ar"
/usr/bin/cargo build --release --locked --bin belay-run --target "$target" \
  -Zbuild-std=std,panic_abort \
  --config "target.$target.ffi.rustc-link-lib=[\"static=ffi\"]" \
  --config "target.$target.ffi.rustc-link-search=[\"native=/usr/lib/$gnu\"]"
mkdir -p "dist/out/$target"
cp "$CARGO_TARGET_DIR/$target/release/belay-run" "dist/out/$target/belay-run"
built=$(date +%s)
echo "dist/cross.sh: dist/out/$target/belay-run ($(stat -c %s "dist/out/$target/belay-run") bytes) built in $((built - started)) s"
file "dist/out/$target/belay-run" || true

if [ "$test_it" -eq 1 ]; then
  bash tests/cross.sh "$qemu" "dist/out/$target/belay-run"
  echo "dist/cross.sh: $target tested under $qemu in $(( $(date +%s) - built )) s"
fi
