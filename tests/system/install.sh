#!/usr/bin/env bash
# The system packages the build and the tests use, installed with apt when one is missing (a
# fresh Debian/Ubuntu machine): libffi-dev and pkg-config to build RustPython (libffi.a for the
# static binary), python3-venv for the test boards' and host packages' venvs, Node.js and npm for
# the webassembly board, ser2net to serve a test board over RFC 2217 (ports::rfc2217_*), openssl
# for the TLS test's certificate. Quick when nothing is missing. Called by tests/run.sh.
set -euo pipefail
missing=()
for pkg in libffi-dev pkg-config ser2net openssl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "tests/system/install.sh: installing ${missing[*]} with apt-get" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "tests/system/install.sh: no apt-get here; install these yourself: ${missing[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "tests/system/install.sh: not root and no sudo; install as root: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
