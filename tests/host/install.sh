#!/usr/bin/env bash
# Host-side Python packages for the tests of `belay-run` as a `python` (idempotent, quick when
# done): a real pure-Python package from PyPI, installed by pip
# - into a virtual environment, tests/host/.venv (with a .pth file in its site-packages that
#   adds tests/host/pth_dir to sys.path), and
# - into a plain folder with `pip install --target`, tests/host/target.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

PACKAGE="tabulate==0.9.0"
python="${PYTHON:-python3}"
if [ ! -f .venv/.ready ]; then
  rm -rf .venv
  "$python" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "$PACKAGE"
  site="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  echo "$here/pth_dir" > "$site/belay_test_extra.pth"
  touch .venv/.ready
fi
if [ ! -f target/.ready ]; then
  rm -rf target
  .venv/bin/pip install --quiet --disable-pip-version-check --target target "$PACKAGE"
  touch target/.ready
fi
echo "host packages ready: $here/.venv, $here/target"
