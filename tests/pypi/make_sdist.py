#!/usr/bin/env python3
"""Build a small pure-Python sdist for a test (standard library only); print its path.

    make_sdist.py OUTDIR NAME VERSION --backend setuptools|flit|hatchling|poetry|intree-fail
                  [--requires REQ]... [--console NAME=MODULE:FUNC]

The sdist (`name-version.tar.gz`, one top folder, PKG-INFO, pyproject.toml) holds the module
`NAME` (`NAME/__init__.py` with `VERSION = "..."` and `def main(): print(...)`), to be built by
the real backend named: its wheels come from tests/pypi/wheels.txt. `intree-fail` is an in-tree
backend (`backend-path`) whose build_wheel prints a line and raises: a build that fails.
"""
import argparse
import io
import os
import tarfile

BACKENDS = {
    "setuptools": ('["setuptools>=61"]', "setuptools.build_meta"),
    "flit": ('["flit_core>=3.4,<5"]', "flit_core.buildapi"),
    "hatchling": ('["hatchling"]', "hatchling.build"),
    "poetry": ('["poetry-core>=1"]', "poetry.core.masonry.api"),
    "intree-fail": ("[]", "failing_backend"),
}

FAILING_BACKEND = '''\
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    print("failing_backend: no compiler for _speedups.c")
    raise RuntimeError("the extension could not be built")
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("name")
    ap.add_argument("version")
    ap.add_argument("--backend", choices=sorted(BACKENDS), required=True)
    ap.add_argument("--requires", action="append", default=[])
    ap.add_argument("--console", action="append", default=[])
    args = ap.parse_args()
    module = args.name.replace("-", "_")
    requires, backend = BACKENDS[args.backend]
    deps = ", ".join(f'"{r}"' for r in args.requires)
    scripts = "".join(f'{c.split("=")[0]} = "{c.split("=", 1)[1]}"\n' for c in args.console)
    if args.backend == "poetry":
        project = (
            f'[tool.poetry]\nname = "{args.name}"\nversion = "{args.version}"\ndescription = "test"\n'
            f'authors = ["belay-run tests"]\npackages = [{{ include = "{module}" }}]\n\n'
            f'[tool.poetry.dependencies]\npython = ">=3.8"\n'
            + "".join(f'{r.split(">")[0].split("=")[0]} = "*"\n' for r in args.requires)
            + (f"\n[tool.poetry.scripts]\n{scripts}" if scripts else "")
        )
    else:
        project = (
            f'[project]\nname = "{args.name}"\nversion = "{args.version}"\ndescription = "test"\n'
            f"dependencies = [{deps}]\n" + (f"\n[project.scripts]\n{scripts}" if scripts else "")
        )
    files = {
        "pyproject.toml": f'[build-system]\nrequires = {requires}\nbuild-backend = "{backend}"\n'
        + ('backend-path = ["."]\n' if args.backend == "intree-fail" else "")
        + "\n"
        + project,
        f"{module}/__init__.py": f'VERSION = "{args.version}"\n\n\ndef main():\n    print("{args.name} {args.version} runs")\n',
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {args.name}\nVersion: {args.version}\n"
        + "".join(f"Requires-Dist: {r}\n" for r in args.requires),
    }
    if args.backend == "flit":
        files[f"{module}/__init__.py"] = f'"""A test module."""\n' + files[f"{module}/__init__.py"]
    if args.backend == "intree-fail":
        files["failing_backend.py"] = FAILING_BACKEND
    top = f"{module}-{args.version}"
    path = os.path.join(args.outdir, f"{top}.tar.gz")
    os.makedirs(args.outdir, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            info.mtime = 1700000000
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    print(path)


if __name__ == "__main__":
    main()
