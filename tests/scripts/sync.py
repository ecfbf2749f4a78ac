"""device.sync on a real board: changed, unchanged, deleted, kept and ignored files, directories,
a single file, binary content, and refused destinations (belay tests/test_device_sync.py,
re-expressed end to end).

    sync.py PORT DST [--no-startup]

With --no-startup the device is made with `startup=""`: no start-up imports on the board, so
belay-run's own board code must import what it uses.
"""
import os
import sys
import tempfile

import belay
from testlib import startup_options

PORT, DST = sys.argv[1], sys.argv[2]
device = belay.Device(PORT, **startup_options(sys.argv[3:]))


def write(root, rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # Bytes as given: text mode on Windows would write CR LF.
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def board_read(rel):
    return device(f"open({DST + '/' + rel!r}, 'rb').read()")


def board_tree(top=DST):
    """Every file below `top` on the board, as sorted relative paths (directories end in /)."""
    return device(
        "sorted(_t_tree(%r, ''))" % top
    )


device(
    """
def _t_tree(d, prefix):
    import os  # local: with --no-startup the board's globals must not get `os` from this script
    out = []
    for e in os.ilistdir(d) if hasattr(os, 'ilistdir') else [(n, os.stat(d + '/' + n)[0]) for n in os.listdir(d)]:
        if e[1] & 0x4000:
            out.append(prefix + e[0] + '/')
            out.extend(_t_tree(d + '/' + e[0], prefix + e[0] + '/'))
        else:
            out.append(prefix + e[0])
    return out
"""
)


class Pushes:
    def __init__(self):
        self.pushed = []
        self.total = None

    def __call__(self, description=None, total=None, advance=None):
        if description and description.startswith("Pushing: "):
            self.pushed.append(description[len("Pushing: ") :])
        if total is not None:
            self.total = total


def sync(folder, **kw):
    progress = Pushes()
    device.sync(folder, dst=DST, progress_update=progress, **kw)
    assert progress.total == len(progress.pushed), (progress.total, progress.pushed)
    return sorted(p[len(DST) :].lstrip("/") for p in progress.pushed)


local = tempfile.mkdtemp(prefix="belay-sync-src-")
binary = bytes(range(256)) * 40  # 10 KiB: several chunks, every byte value
write(local, "alpha.py", '"""Docstring goes."""\ndef f():\n    # comment goes\n    return "kept # not a comment"\n')
write(local, "bar.txt", "bar\n")
write(local, "folder1/file1.txt", "file1\n")
write(local, "folder1/folder1_1/file1_1.txt", "file1_1\n")
write(local, "blob.bin", binary)
write(local, "empty.txt", "")
write(local, "skip.pyc", b"\x00compiled")
write(local, "__pycache__/alpha.cpython-311.pyc", b"\x00")
os.makedirs(os.path.join(local, "emptydir"))

# 1. Everything is new.
assert sync(local) == ["alpha.py", "bar.txt", "blob.bin", "empty.txt", "folder1/file1.txt", "folder1/folder1_1/file1_1.txt"]
assert board_tree() == [
    "alpha.py", "bar.txt", "blob.bin", "empty.txt", "emptydir/", "folder1/", "folder1/file1.txt",
    "folder1/folder1_1/", "folder1/folder1_1/file1_1.txt",
], board_tree()
assert board_read("blob.bin") == binary
assert board_read("empty.txt") == b""
alpha = board_read("alpha.py").decode()
assert "Docstring" not in alpha and "comment goes" not in alpha and "kept # not a comment" in alpha, alpha
device(f"import sys; sys.path.insert(0, {DST!r})")
assert device("__import__('alpha').f()") == "kept # not a comment"

# 2. Nothing changed: nothing is sent.
assert sync(local) == []

# 3. One file changed, one deleted, one added; a board-only file is deleted unless kept.
write(local, "bar.txt", "bar, changed\n")
os.remove(os.path.join(local, "folder1/folder1_1/file1_1.txt"))
write(local, "new dir/it's new.txt", "quotes and spaces\n")
device(f"open({DST + '/board_only.txt'!r}, 'w').write('x')")
device(f"open({DST + '/keep_me.txt'!r}, 'w').write('x')")
assert sync(local, keep=["keep_me.txt"]) == ["bar.txt", "new dir/it's new.txt"]
tree = board_tree()
assert "board_only.txt" not in tree and "keep_me.txt" in tree, tree
assert "folder1/folder1_1/file1_1.txt" not in tree and "folder1/folder1_1/" in tree, tree
assert board_read("bar.txt") == b"bar, changed\n"
assert board_read("new dir/it's new.txt") == b"quotes and spaces\n"

# 4. keep=True deletes nothing; ignore patterns skip files.
device(f"open({DST + '/board_only.txt'!r}, 'w').write('x')")
assert sync(local, keep=True, ignore=["*.txt", "*.pyc", "__pycache__"]) == []
assert "board_only.txt" in board_tree()
assert sync(local, ignore=["*.bin", "*.pyc", "__pycache__"]) == []
assert "blob.bin" not in board_tree() and "board_only.txt" not in board_tree()

# 5. minify=False sends the source as it is; a single file deletes nothing.
assert sync(local, minify=False) == ["alpha.py", "blob.bin"]
assert b"Docstring goes" in board_read("alpha.py")
single = os.path.join(tempfile.mkdtemp(prefix="belay-sync-one-"), "solo.txt")
write(os.path.dirname(single), "solo.txt", "solo\n")
assert sync(single) == ["solo.txt"]
assert "alpha.py" in board_tree() and board_read("solo.txt") == b"solo\n"
# A single str pattern replaces the defaults: __pycache__ is now synced, its .pyc still ignored.
pushed = sync(local, ignore="*.pyc")
assert pushed == ["alpha.py"], pushed  # minified again
tree = board_tree()
assert "__pycache__/" in tree and "solo.txt" not in tree, tree

# 6. Refused: bad destinations and keep entries, missing folders, bad argument types.
for bad in ["relative", DST + "/../escape", "/a//b"]:
    try:
        device.sync(local, dst=bad)
    except ValueError as e:
        assert "dst" in str(e), e
    else:
        raise AssertionError(f"dst {bad!r} accepted")
for bad in ["../outside", "/elsewhere/x"]:
    try:
        device.sync(local, dst=DST, keep=[bad])
    except ValueError as e:
        assert "keep" in str(e), e
    else:
        raise AssertionError(f"keep {bad!r} accepted")
try:
    device.sync(os.path.join(local, "missing"), dst=DST)
except ValueError as e:
    assert "does not exist" in str(e), e
else:
    raise AssertionError("missing folder accepted")
if device.implementation.platform == "linux":
    # The unix port's files are the host's: deleting under "/" would delete the host's.
    try:
        device.sync(local, dst="/")
    except ValueError as e:
        assert "host" in str(e), e
    else:
        raise AssertionError("sync to / with deletion accepted on the unix port")
try:
    device.sync(local, dst=DST, keep=5)
except TypeError:
    pass
else:
    raise AssertionError("keep=5 accepted")

# 6b. mpy_cross_binary: called as `BIN -o OUT.mpy SRC.py`, and the board gets OUT as NAME.mpy.
fake_dir = tempfile.mkdtemp(prefix="belay-mpy-cross-")
if os.name == "nt":
    # A batch file: "compiled:" then the source, concatenated by copy /b.
    fake = os.path.join(fake_dir, "mpy-cross.cmd")
    write(fake_dir, "prefix.bin", b"compiled:")
    write(fake_dir, "mpy-cross.cmd", '@echo off\r\nif not "%1"=="-o" exit /b 3\r\n'
          'copy /b "%~dp0prefix.bin" + "%3" "%2" >nul\r\n')
else:
    fake = os.path.join(fake_dir, "mpy-cross")
    write(fake_dir, "mpy-cross", '#!/bin/sh\n[ "$1" = -o ] || exit 3\nprintf "compiled:" > "$2"\ncat "$3" >> "$2"\n')
    os.chmod(fake, 0o755)
compiled_src = tempfile.mkdtemp(prefix="belay-sync-mpy-")
write(compiled_src, "mod.py", "x = 1\n")
write(compiled_src, "data.txt", "as is\n")
assert sync(compiled_src, mpy_cross_binary=fake) == ["data.txt", "mod.mpy"]
assert board_read("mod.mpy") == b"compiled:x = 1\n"
assert board_tree() == ["data.txt", "mod.mpy"], board_tree()
try:
    device.sync(compiled_src, dst=DST, mpy_cross_binary=fake + "-missing")
except RuntimeError as e:
    assert "cannot run" in str(e), e
else:
    raise AssertionError("a missing mpy-cross was not reported")

# 7. Hashes agree with the host's FNV-1a (viper where the board has it, masked to 32 bits).
write(local, "hash.txt", "foobar")
sync(local)
assert board_read("hash.txt") == b"foobar"
device("_t_buf = bytearray(4)")  # smaller than the file: the hash spans reads
assert device(f"_BH({DST + '/hash.txt'!r}, _t_buf)") == 0xBF9CF968
assert device(f"_BH({DST + '/nope'!r}, _t_buf)") == 0
device.close()
print("sync ok")
