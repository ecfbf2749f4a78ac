#!/usr/bin/env python3
"""A local package index and raw file host for the package manager's tests (standard library only).

    index_server.py [--port N] [--no-stdin]

At start it generates its whole tree in a new temporary folder, serves it over HTTP on 127.0.0.1,
prints the port as its first line on stdout, and serves until its stdin closes (a test that dies
takes its server with it) or it is killed; --no-stdin serves until killed (for a shell's `&`).
INDEX_SERVER_LOG=1 logs each request on stderr; otherwise it prints nothing else.

What it serves (BASE = http://127.0.0.1:PORT):
- BASE/index: a mip v2 package index, as https://micropython.org/pi/v2:
  /index/package/py/<name>/<version>.json (and latest.json) and /index/file/<h[:2]>/<h>, where h is
  the first 8 hex digits of the file's sha256. Packages (see PACKAGES):
    tinypkg      package folder tinypkg/ (__init__.py with hello(), greet.py), depends on tinydep
    tinydep      one file, tinydep.py
    otherpkg     one file, also depends on tinydep (a dependency shared by two packages)
    chain_a      -> chain_b -> chain_c
    cyc_a        -> cyc_b -> cyc_a (a cycle)
    badhash      its hashes entry does not match the file served under that hash
    missingfile  its hashes entry names a file that is not served (404)
    badsyntax    badsyntax.py is not valid Python
    dotdot       a dest outside the install folder: ../dotdot_escape.py
- BASE/github/someone/sensors/<ref>/...: a GitHub-shaped raw tree (what raw.githubusercontent.com
  serves) for refs main, HEAD (the same as main) and v1: sensors/__init__.py, sensors/bme.py and a
  package.json listing both with relative urls. The same tree under
  BASE/gitlab/someone/sensors/-/raw/<ref>/... (what gitlab.com serves).
- BASE/files/urlmod.py, BASE/files/urlhelper.py: plain files for http:// URL dependencies.
"""
import argparse
import hashlib
import http.server
import json
import os
import shutil
import signal
import sys
import tempfile
import threading

# What tinypkg.hello() returns (on the board, once tinypkg and tinydep are installed).
HELLO = "hello from tinypkg with tinydep 1.0"

# name -> (version, {dest: source}, [dependency names]). All versions are also served as latest.
PACKAGES = {
    "tinypkg": (
        "1.0",
        {
            "tinypkg/__init__.py": (
                '"""A tiny package: a folder, a submodule and a dependency."""\n'
                "from tinypkg.greet import greeting\n"
                "import tinydep\n\n\n"
                "def hello():\n"
                "    # Uses the submodule and the dependency, so all three must be installed.\n"
                '    return greeting() + " with " + tinydep.tag()\n'
            ),
            "tinypkg/greet.py": 'def greeting():\n    return "hello from tinypkg"\n',
        },
        ["tinydep"],
    ),
    "tinydep": ("1.0", {"tinydep.py": 'VERSION = "1.0"\n\n\ndef tag():\n    return "tinydep " + VERSION\n'}, []),
    "otherpkg": ("1.0", {"otherpkg.py": "import tinydep\n\n\ndef other():\n    return tinydep.tag()\n"}, ["tinydep"]),
    "chain_a": ("1.0", {"chain_a.py": "import chain_b\n\nA = 'a' + chain_b.B\n"}, ["chain_b"]),
    "chain_b": ("1.0", {"chain_b.py": "import chain_c\n\nB = 'b' + chain_c.C\n"}, ["chain_c"]),
    "chain_c": ("1.0", {"chain_c.py": "C = 'c'\n"}, []),
    "cyc_a": ("1.0", {"cyc_a.py": "A = 1\n"}, ["cyc_b"]),
    "cyc_b": ("1.0", {"cyc_b.py": "B = 2\n"}, ["cyc_a"]),
    "badhash": ("1.0", {"badhash.py": "GOOD = True\n"}, []),
    "missingfile": ("1.0", {"missingfile.py": "NEVER_SERVED = True\n"}, []),
    "badsyntax": ("1.0", {"badsyntax.py": "def broken(:\n    return 1\n"}, []),
    "dotdot": ("1.0", {"../dotdot_escape.py": "ESCAPED = True\n"}, []),
}
# What is served under badhash.py's hash instead of its content.
TAMPERED = {"badhash.py": b"GOOD = False  # tampered\n"}
# Files listed in a package.json but never served.
UNSERVED = {"missingfile.py"}

# The raw repository someone/sensors: ref -> {path: text}; HEAD is main.
SENSORS = {
    ref: {
        "sensors/__init__.py": f'from sensors.bme import read\n\nREF = "{ref}"\n',
        "sensors/bme.py": f'# BME280 stand-in ({ref})\n\n\ndef read():\n    return {{"ref": "{ref}", "t": 21.5}}\n',
        "package.json": json.dumps(
            {
                "urls": [["sensors/__init__.py", "sensors/__init__.py"], ["sensors/bme.py", "sensors/bme.py"]],
                "deps": [],
                "version": "1.0" if ref == "v1" else "2.0",
            },
            indent=2,
        )
        + "\n",
    }
    for ref in ("main", "v1")
}
SENSORS["HEAD"] = SENSORS["main"]

FILES = {
    "urlmod.py": '"""Fetched from a plain http:// URL."""\nURL_VALUE = 42\n',
    "urlhelper.py": "def helper():\n    return 'urlhelper'\n",
}


def short_hash(data):
    return hashlib.sha256(data).hexdigest()[:8]


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def build(root):
    """Generate everything this server serves under `root`."""
    index = os.path.join(root, "index")
    for name, (version, files, deps) in PACKAGES.items():
        hashes = []
        for dest, text in files.items():
            h = short_hash(text.encode())
            hashes.append([dest, h])
            if dest not in UNSERVED:
                write(os.path.join(index, "file", h[:2], h), TAMPERED.get(dest, text.encode()))
        package = {"v": 1, "version": version, "hashes": hashes, "deps": [[d, "latest"] for d in deps]}
        for v in (version, "latest"):
            write(os.path.join(index, "package", "py", name, v + ".json"), json.dumps(package))
    for ref, files in SENSORS.items():
        for path, text in files.items():
            write(os.path.join(root, "github", "someone", "sensors", ref, path), text)
            write(os.path.join(root, "gitlab", "someone", "sensors", "-", "raw", ref, path), text)
    for name, text in FILES.items():
        write(os.path.join(root, "files", name), text)


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        if os.environ.get("INDEX_SERVER_LOG"):
            sys.stderr.write("index_server: %s\n" % (format % args))

    def list_directory(self, path):
        self.send_error(404, "No listings here")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    ap.add_argument("--no-stdin", action="store_true", help="serve until killed, not until stdin closes")
    args = ap.parse_args()

    root = tempfile.mkdtemp(prefix="belay-index-")
    try:
        build(root)
        handler = lambda *a, **kw: Handler(*a, directory=root, **kw)  # noqa: E731
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
        server.daemon_threads = True
        print(server.server_address[1], flush=True)
        # SIGTERM/SIGINT end it cleanly too (the temporary tree is removed).
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        if args.no_stdin:
            server.serve_forever()
        else:
            threading.Thread(target=server.serve_forever, daemon=True).start()
            while sys.stdin.buffer.read(4096):
                pass
            server.shutdown()
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
