#!/usr/bin/env python3
"""Throwaway Belay projects for the package manager's tests (standard library only).

    fixtures.py full  DIR --server BASE
    fixtures.py index DIR --server BASE [--no-package-indices] PACKAGE[=VALUE]...

BASE is tests/packages/index_server.py's address, http://127.0.0.1:PORT. Both kinds write, into DIR
(created; existing files overwritten): a pyproject.toml with `[tool.belay] name = "app"` and
`package_indices = ["BASE/index"]`, the project package app/ (app/__init__.py, app/core.py,
app/util/) and main.py.

`full` adds every kind of local and URL dependency, in the main group and in two more groups:

    main   single     = "./vendor/single.py"                      string: renamed to __init__.py
           other      = {uri = "./vendor/other.py", rename_to_init = false}
           pkgdir     = "./vendor/pkgdir"                         a local folder (with a data file)
           listy      = ["./vendor/listy_one.py", "./vendor/listy_dir"]   list form
           urlmod     = "BASE/files/urlmod.py"                    plain http:// URL
           bme        = "github:someone/sensors/sensors/bme.py@main"
    dev    (optional = true)
           devtool    = "./vendor/devtool.py"
           glbme      = "gitlab:someone/sensors/sensors/bme.py@v1"
    extra  extra_mod  = {uri = "./vendor/extra_mod.py"}           table form, renamed by default
           urlhelper  = ["BASE/files/urlhelper.py"]                list form: not renamed
           thermo     = {uri = "github:someone/sensors/sensors/bme.py", rename_to_init = false}

`index` declares index packages instead, each PACKAGE = "*" or PACKAGE = "VALUE"
(e.g. `tinypkg otherpkg=1.0`); --no-package-indices leaves package_indices out, so that the
default index applies (belay-run: $BELAY_RUN_PACKAGE_INDEX).
"""
import argparse
import os

APP = {
    "app/__init__.py": '"""The project package."""\nfrom app.core import run\n\nVERSION = "0.1"\n',
    "app/core.py": (
        "from app.util.fmt import fmt\n\n\n"
        "def run():\n"
        "    # Called by main.py at boot.\n"
        '    print(fmt("app running"))\n'
    ),
    "app/util/__init__.py": "from app.util.fmt import fmt\n",
    "app/util/fmt.py": 'def fmt(text):\n    """Decorate a line."""\n    return "[app] " + text\n',
    "main.py": "import app\n\napp.run()\n",
}

VENDOR = {
    "vendor/single.py": (
        '"""A single-file dependency, renamed to __init__.py."""\n'
        "# A comment that the board never needs.\n"
        'VALUE = "21.5 °C"\n\n\n'
        "def value():\n"
        "    return VALUE\n"
    ),
    "vendor/other.py": "def other():\n    return 'other'  # kept as other.py\n",
    "vendor/pkgdir/__init__.py": "from pkgdir.helpers import NAME\n",
    "vendor/pkgdir/helpers.py": 'NAME = "pkgdir"\n',
    "vendor/pkgdir/data.txt": "not python: copied as is\n",
    "vendor/pkgdir/sub/deep.py": "DEEP = True\n",
    "vendor/listy_one.py": "ONE = 1\n",
    "vendor/listy_dir/listy_two.py": "TWO = 2\n",
    "vendor/devtool.py": "def debug(*args):\n    print('debug:', *args)\n",
    "vendor/extra_mod.py": "EXTRA = 'extra'\n",
}

FULL = """\
# A project for belay-run's package manager tests (tests/packages/fixtures.py).
[tool.belay]
name = "app"
package_indices = ["{base}/index"]

[tool.belay.dependencies]
single = "./vendor/single.py"
other = {{ uri = "./vendor/other.py", rename_to_init = false }}
pkgdir = "./vendor/pkgdir"
listy = ["./vendor/listy_one.py", "./vendor/listy_dir"]
urlmod = "{base}/files/urlmod.py"
bme = "github:someone/sensors/sensors/bme.py@main"

[tool.belay.group.dev]
optional = true

[tool.belay.group.dev.dependencies]
devtool = "./vendor/devtool.py"
glbme = "gitlab:someone/sensors/sensors/bme.py@v1"

[tool.belay.group.extra.dependencies]
extra_mod = {{ uri = "./vendor/extra_mod.py" }}
urlhelper = ["{base}/files/urlhelper.py"]
thermo = {{ uri = "github:someone/sensors/sensors/bme.py", rename_to_init = false }}
"""

INDEX = """\
# Index packages from the test index (tests/packages/fixtures.py).
[tool.belay]
name = "app"
{indices}
[tool.belay.dependencies]
{dependencies}
"""


def write_files(folder, files):
    for path, text in files.items():
        full = os.path.join(folder, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)


def full(folder, base):
    write_files(folder, {**APP, **VENDOR, "pyproject.toml": FULL.format(base=base)})


def index(folder, base, packages, package_indices=True):
    lines = []
    for spec in packages:
        name, _, value = spec.partition("=")
        lines.append(f'{name} = "{value or "*"}"')
    indices = f'package_indices = ["{base}/index"]\n' if package_indices else ""
    pyproject = INDEX.format(indices=indices, dependencies="\n".join(lines))
    write_files(folder, {**APP, "pyproject.toml": pyproject})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=["full", "index"])
    ap.add_argument("folder")
    ap.add_argument("--server", required=True, help="the index server, http://127.0.0.1:PORT")
    ap.add_argument("--no-package-indices", action="store_true", help="index: no package_indices key")
    ap.add_argument("packages", nargs="*", help="index: PACKAGE or PACKAGE=VALUE")
    args = ap.parse_intermixed_args()
    base = args.server.rstrip("/")
    os.makedirs(args.folder, exist_ok=True)
    if args.kind == "full":
        if args.packages:
            ap.error("full takes no packages")
        full(args.folder, base)
    else:
        if not args.packages:
            ap.error("index needs at least one package")
        index(args.folder, base, args.packages, not args.no_package_indices)


if __name__ == "__main__":
    main()
