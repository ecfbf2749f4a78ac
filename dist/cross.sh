#!/usr/bin/env bash
# Cross-build belay-run for another target with Debian's own Rust, then test the binary under
# emulation against the unix test board (README "Platforms").
#
#   bash dist/cross.sh TARGET [--no-test]
#
# TARGET: aarch64-unknown-linux-gnu (64-bit Raspberry Pi OS), armv7-unknown-linux-gnueabihf
# (32-bit), or x86_64-win7-windows-gnu (Windows x86-64: 7 and later, 10 and 11 included).
# rustup cannot fetch other targets' standard library here, so the build uses Debian's rustc-web
# (Rust 1.96) and builds std from its source (rust-web-src) with `-Zbuild-std` (RUSTC_BOOTSTRAP=1:
# build-std is a nightly cargo feature). Debian's cross compiler links it. The binary is static
# (+crt-static: glibc on Linux, the MinGW runtime on Windows, whose .exe imports only system DLLs)
# and lands in dist/out/TARGET/. libffi (RustPython's ctypes): Debian's libffi.a for the Linux
# architectures (multiarch); for Windows, Debian has none, so the copy of libffi's source that the
# libffi-sys crate carries is built with the MinGW compiler (configure --host, half a minute).
# Tests: qemu-user or wine runs the binary, which opens the unix test board's pty itself
# (tests/cross.sh; wine sees the pty as COM5).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${1:?usage: bash dist/cross.sh TARGET [--no-test]}"
test_it=1
[ "${2:-}" = "--no-test" ] && test_it=0

exe=belay-run
case "$target" in
  aarch64-unknown-linux-gnu) arch=arm64 gnu=aarch64-linux-gnu runner=qemu-aarch64 ;;
  # Dynamic glibc on armv7: the static build does not start (glibc's start-up calls a Thumb
  # ifunc resolver in ARM state: SIGILL before the first system call, seen under qemu-arm).
  # Every Raspberry Pi OS has glibc; qemu finds the armhf one through QEMU_LD_PREFIX.
  armv7-unknown-linux-gnueabihf) arch=armhf gnu=arm-linux-gnueabihf runner=qemu-arm static=0 ;;
  x86_64-win7-windows-gnu) arch="" gnu=x86_64-w64-mingw32 runner=/usr/lib/wine/wine64 exe=belay-run.exe ;;
  *) echo "dist/cross.sh: no recipe for $target (aarch64-unknown-linux-gnu, armv7-unknown-linux-gnueabihf, x86_64-win7-windows-gnu)" >&2; exit 2 ;;
esac

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# Debian's cross toolchain, Rust with its std source, the target's libffi, and the emulator.
if [ -n "$arch" ]; then
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    $sudo dpkg --add-architecture "$arch"
  fi
  need=(rustc-web cargo-web rust-web-src "gcc-$gnu" "libc6-dev-$arch-cross" "libffi-dev:$arch" qemu-user)
else
  need=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 make wine64)
fi
missing=()
for pkg in "${need[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -q
  # No recommends: with a foreign architecture added, wine would bring its 32-bit ARM build.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

started=$(date +%s)
upper=$(echo "$target" | tr 'a-z-' 'A-Z_')
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/belay-cross}"
export "CARGO_TARGET_${upper}_LINKER=$gnu-gcc"
if [ "${static:-1}" -eq 1 ]; then
  export "CARGO_TARGET_${upper}_RUSTFLAGS=-C target-feature=+crt-static"
else
  export QEMU_LD_PREFIX="/usr/$gnu"
fi
export "CC_${target//-/_}=$gnu-gcc" "AR_${target//-/_}=$gnu-ar"
ffi_lib="/usr/lib/$gnu"
if [ -z "$arch" ]; then
  # libffi for MinGW from the source libffi-sys carries (the version Cargo.lock pins).
  /usr/bin/cargo fetch --locked -q
  ffi_version=$(grep -A1 '^name = "libffi-sys"' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
  ffi_src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"libffi-sys-$ffi_version"/libffi | head -1)
  ffi_out="$CARGO_TARGET_DIR/libffi-$gnu-$ffi_version"
  if [ ! -f "$ffi_out/lib/libffi.a" ]; then
    rm -rf "$ffi_out.build" && mkdir -p "$ffi_out.build"
    (cd "$ffi_out.build" && "$ffi_src/configure" -q --host="$gnu" --prefix="$ffi_out" \
      --disable-shared --enable-static --disable-docs --disable-multi-os-directory >/dev/null &&
      make -s >/dev/null && make -s install >/dev/null)
  fi
  ffi_lib="$ffi_out/lib"
fi
/usr/bin/cargo build --release --locked --bin belay-run --target "$target" \
  -Zbuild-std=std,panic_abort \
  --config "target.$target.ffi.rustc-link-lib=[\"static=ffi\"]" \
  --config "target.$target.ffi.rustc-link-search=[\"native=$ffi_lib\"]"
mkdir -p "dist/out/$target"
cp "$CARGO_TARGET_DIR/$target/release/$exe" "dist/out/$target/$exe"
built=$(date +%s)
echo "dist/cross.sh: dist/out/$target/$exe ($(stat -c %s "dist/out/$target/$exe") bytes) built in $((built - started)) s"
file "dist/out/$target/$exe" || true
if [ -z "$arch" ]; then
  echo "dist/cross.sh: DLLs it imports: $($gnu-objdump -p "dist/out/$target/$exe" | sed -n 's/.*DLL Name: //p' | sort -u | tr '\n' ' ')"
fi

if [ "$test_it" -eq 1 ]; then
  bash tests/cross.sh "$runner" "dist/out/$target/$exe"
  echo "dist/cross.sh: $target tested under $runner in $(( $(date +%s) - built )) s"
fi
