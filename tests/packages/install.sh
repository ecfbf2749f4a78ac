#!/usr/bin/env bash
# Belay itself, for the package manager's differential tests (tests/e2e/packages.rs): Belay 0.30.1
# from PyPI in tests/packages/.venv (idempotent, quiet when done). The tests compare what
# `belay update` / `belay install` produce with what `belay-run` produces for the same project.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

BELAY="belay==0.30.1"
python="${PYTHON:-python3}"
if [ ! -f .venv/.ready ]; then
  rm -rf .venv
  "$python" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "$BELAY"
  .venv/bin/python -c 'import belay; assert belay.__version__ == "0.30.1", belay.__version__'
  touch .venv/.ready
fi
echo "Belay for the package tests ready: $here/.venv/bin/belay"
