#!/usr/bin/env bash
# The host-package tests' set-up (tests/e2e/pip.rs, bench/pip.py), idempotent and quick when done:
# - tests/pypi/.venv: a CPython venv with pip from PyPI (the reference the differential tests
#   compare belay-run with), and
# - the real wheels pinned in tests/pypi/wheels.txt, downloaded once from PyPI into
#   ${BELAY_PYPI_WHEELS:-$HOME/.cache/belay-pypi-wheels} (outside the repository, reused across
#   clones), which tests/pypi/index_server.py serves.
# Prints the wheel folder as its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

PIP="pip==26.3"
# pip evaluates markers with the Python that runs it (whatever --python-version says): the
# differential tests need 3.11 or newer, for which pytest's `python_version < "3.11"` markers are
# false, as for the embedded 3.14. The first of these that is new enough:
python=""
for candidate in ${PYTHON:-} python3 python3.14 python3.13 python3.12 python3.11; do
  if command -v "$candidate" >/dev/null 2>&1 \
    && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python="$candidate"
    break
  fi
done
if [ -z "$python" ]; then
  echo "tests/pypi/install.sh: needs Python 3.11 or newer with venv (set PYTHON=...)" >&2
  exit 1
fi
wheels="${BELAY_PYPI_WHEELS:-$HOME/.cache/belay-pypi-wheels}"

if [ ! -f .venv/.ready ]; then
  rm -rf .venv
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$PIP"
  touch .venv/.ready
fi
pip=(.venv/bin/python -m pip --disable-pip-version-check --quiet)

# The pins, without comments: the wheel folder is done when it holds a stamp of exactly these.
pins="$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' wheels.txt)"
stamp="$wheels/.ready"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pins" ]; then
  echo "$wheels"
  exit 0
fi

mkdir -p "$wheels"
while read -r pin abi platforms; do
  if [ "$abi" = sdist ]; then
    # A source distribution (pip prepares its metadata with the backend, in build isolation).
    "${pip[@]}" download --no-deps --dest "$wheels" --no-binary=:all: "$pin"
  elif [ -z "$abi" ]; then
    # A pure-Python wheel (what belay-run's interpreter can load), as pip selects it for 3.14.
    "${pip[@]}" download --no-deps --dest "$wheels" --only-binary=:all: --python-version 3.14 \
      --implementation py --abi none --platform any "$pin"
  else
    # Wheels only CPython can load: one per platform named.
    for platform in $platforms; do
      "${pip[@]}" download --no-deps --dest "$wheels" --only-binary=:all: --python-version 3.14 \
        --implementation cp --abi "$abi" --platform "$platform" "$pin"
    done
  fi
done <<<"$pins"

# Every pure pin must have given a *-none-any wheel of that exact version (never an sdist), every
# sdist pin its .tar.gz.
"$python" - "$wheels" <<'EOF'
import os, re, sys
folder = sys.argv[1]
norm = lambda s: re.sub(r"[-_.]+", "_", s).lower()
have = {}
for f in os.listdir(folder):
    if f.endswith(".whl"):
        name, version, *rest = f[:-4].split("-")
        have.setdefault((norm(name), version), []).append(rest[-3:])
    elif f.endswith(".tar.gz"):
        name, _, version = f[: -len(".tar.gz")].rpartition("-")
        have.setdefault((norm(name), version), []).append(["sdist"])
bad = []
for line in open("wheels.txt"):
    line = line.split("#")[0].split()
    if not line:
        continue
    name, version = line[0].split("==")
    tags = have.get((norm(name), version), [])
    pure = len(line) == 1
    sdist = line[1:] == ["sdist"]
    if not tags or (pure and not any(t[1:] == ["none", "any"] for t in tags)) or (sdist and ["sdist"] not in tags):
        bad.append(line[0])
if bad:
    sys.exit("tests/pypi/install.sh: no fitting wheel for: " + ", ".join(bad))
EOF
printf '%s' "$pins" >"$stamp"
echo "$wheels"
