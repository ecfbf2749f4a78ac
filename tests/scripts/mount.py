"""A host folder mounted on the board (README "Mounting a host folder").

    mount.py PORT FOLDER KIND

FOLDER is a scratch folder of the test (the unix board's own files are the host's: nothing here
touches any other host path). KIND is `unix` or `wasm` (how to make the board reboot by itself).
"""
import hashlib
import os
import sys
import time

import belay
from testlib import expect, startup_options

port, folder, kind = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(folder + "/pkg", exist_ok=True)
with open(folder + "/pkg/__init__.py", "w") as f:
    f.write("from .core import double\n")
with open(folder + "/pkg/core.py", "w") as f:
    f.write("def double(x):\n    return 2 * x\n")
with open(folder + "/version.py", "w") as f:
    f.write("VERSION = 1\n")
# A symlink that leaves the folder, and one that stays inside it.
outside = folder + "_outside"
os.makedirs(outside, exist_ok=True)
with open(outside + "/secret.txt", "w") as f:
    f.write("secret")
os.symlink(outside, folder + "/escape")
os.symlink(folder + "/pkg", folder + "/alias")

device = belay.Device(port, attempts=1, **startup_options(sys.argv))
# The expressions below use os and sys: with startup="" (--no-startup) nothing imported them yet.
device("import os, sys")
device.mount(folder)

# --- import a package from the folder and run it ---------------------------------------------
@device.task
def use_package(x):
    import pkg

    return pkg.double(x)


assert use_package(21) == 42
assert device("os.getcwd()") == "/remote"
assert device("sys.path[0]") == "/remote"

# --- a host file changed between two imports is seen after a reload ---------------------------
assert device("__import__('version').VERSION") == 1
with open(folder + "/version.py", "w") as f:
    f.write("VERSION = 2\n")
# MicroPython has no importlib: a reload is forgetting the module and importing it again.
assert device("__import__('version').VERSION") == 1
device("del sys.modules['version']")
assert device("__import__('version').VERSION") == 2

# --- files: text and binary, append, seek, readline, stat, listdir, rename, remove, dirs --------
@device.task
def file_ops():
    import os

    with open("notes.txt", "w") as f:
        f.write("one\n")
    with open("notes.txt", "a") as f:
        f.write("two\nthree\n")
    with open("notes.txt") as f:
        first = f.readline()
        rest = f.read()
    with open("notes.txt", "rb") as f:
        f.seek(4)
        middle = f.read(3)
        where = f.tell()
    # readinto reads ahead (as import does); what comes next, and tell(), stay exact.
    with open("notes.txt", "rb") as f:
        piece = bytearray(2)
        f.readinto(piece)
        assert (bytes(piece), f.tell(), f.read(3)) == (b"on", 2, b"e\nt"), "read-ahead"
        f.readinto(piece)
        f.seek(1)
        assert (bytes(piece), f.readline()) == (b"wo", b"ne\n"), "read-ahead then seek"
    os.mkdir("sub")
    os.rename("notes.txt", "sub/renamed.txt")
    listing = sorted(os.listdir("sub"))
    size = os.stat("sub/renamed.txt")[6]
    is_dir = os.stat("sub")[0] & 0x4000 != 0
    lines = [line for line in open("sub/renamed.txt")]
    os.remove("sub/renamed.txt")
    os.rmdir("sub")
    return first, rest, middle, where, listing, size, is_dir, lines, "sub" in os.listdir()


assert file_ops() == (
    "one\n",
    "two\nthree\n",
    b"two",
    7,
    ["renamed.txt"],
    14,
    True,
    ["one\n", "two\n", "three\n"],
    False,
)
assert not os.path.exists(folder + "/sub")

# --- 1 MiB written through the mount, then read back -------------------------------------------
@device.task
def write_big(path, blocks):
    import hashlib

    h = hashlib.sha256()
    with open(path, "wb") as f:
        for i in range(blocks):
            block = bytes((i * 7 + j) % 251 for j in range(4096))
            h.update(block)
            f.write(block)
    return h.digest()


digest = write_big("big.bin", 256)
with open(folder + "/big.bin", "rb") as f:
    data = f.read()
assert len(data) == 1 << 20
assert hashlib.sha256(data).digest() == digest


@device.task
def read_back(path):
    import hashlib

    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(10000)
            if not chunk:
                break
            n += len(chunk)
            h.update(chunk)
    return n, h.digest()


assert read_back("big.bin") == (1 << 20, digest)

# --- nothing outside the folder is reachable ----------------------------------------------------
@device.task
def try_path(op, path):
    import os

    try:
        if op == "read":
            return open(path).read()
        if op == "stat":
            return os.stat(path)[6]
        if op == "list":
            return os.listdir(path)
        if op == "write":
            open(path, "w").write("x")
            return "written"
    except OSError as e:
        import errno

        return "OSError " + errno.errorcode.get(e.args[0], str(e.args[0]))


for op in ("read", "stat", "list", "write"):
    for path in ("/remote/../" + os.path.basename(outside) + "/secret.txt", "../x", "/remote/escape/secret.txt", "escape/secret.txt"):
        if op == "list":
            path = path.rsplit("/", 1)[0] or "/remote/.."
        got = try_path(op, path)
        assert got == "OSError EACCES", (op, path, got)
assert "escape" not in device("os.listdir('/remote')")
assert try_path("read", "alias/core.py").startswith("def double")
assert not os.path.exists(outside + "/x") and not os.path.exists(folder + "_x")

# --- errors come back as the board's OSError ----------------------------------------------------
assert try_path("read", "missing.txt") == "OSError ENOENT"
assert try_path("read", "pkg") == "OSError EISDIR"

# --- a read-only mount ----------------------------------------------------------------------------
os.makedirs(folder + "/ro", exist_ok=True)
with open(folder + "/ro/data.txt", "w") as f:
    f.write("read me")
device.mount(folder + "/ro", at="/ro", readonly=True)
assert try_path("read", "/ro/data.txt") == "read me"
# MicroPython's errno has no EROFS: the host's number comes through.
assert try_path("write", "/ro/new.txt") in ("OSError EROFS", "OSError 30"), try_path("write", "/ro/new.txt")
device.unmount("/ro")
# The board's own filesystem has no such file (the webassembly port numbers ENOENT 44).
assert try_path("read", "/ro/data.txt") in ("OSError ENOENT", "OSError 44"), try_path("read", "/ro/data.txt")
expect(ValueError, lambda: device.unmount("/ro"))
expect(ValueError, lambda: device.mount(folder, at="remote"))

# --- the board reboots: the mount is restored ----------------------------------------------------
if kind == "unix":
    # The board's process dies 0.3 s from now and its wrapper restarts it (a board that reset).
    device("import os; os.system('(sleep 0.3; kill $PPID) &')")
    time.sleep(1.5)
else:
    device.reconnect()
assert use_package(5) == 10
assert device("os.getcwd()") == "/remote"

# --- closing unmounts ------------------------------------------------------------------------------
device.close()
print("mount ok")
