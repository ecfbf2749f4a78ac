"""A mounted host folder on a small board (run on a unix board started with `--heap 64k`, with
`startup=""`): files far larger than what the board could hold at once go through the mount in
both directions, by write, read, readinto, readline, line iteration and import.

    mount_small_heap.py PORT FOLDER
"""
import os
import sys

import belay
from testlib import assert_small_board

port, folder = sys.argv[1], sys.argv[2]
os.makedirs(folder, exist_ok=True)
device = belay.Device(port, startup="", attempts=1)
device.mount(folder)


@device.task
def write_big(name, times, repeats=1):
    # 16 KiB from one buffer: more than a piece, a quarter of the board's heap.
    data = bytes(range(256)) * times
    n = 0
    with open(name, "wb") as f:
        for _ in range(repeats):
            n += f.write(data)
    return n


@device.task
def write_text(name, lines):
    with open(name, "w") as f:
        for i in range(lines):
            f.write("line %d %s\n" % (i, "x" * 200))
    return lines


@device.task
def checksum(name):
    # readinto a small buffer, as code on a small board reads a file.
    buf = bytearray(512)
    h, n = 0, 0
    with open(name, "rb") as f:
        while True:
            k = f.readinto(buf)
            if not k:
                break
            for i in range(k):
                h = (h * 31 + buf[i]) & 0xFFFFFFFF
            n += k
    return n, h


@device.task
def count_lines(name):
    n = 0
    with open(name) as f:
        for line in f:
            assert line.endswith("\n"), line
            n += 1
    return n


@device.task
def long_line(name):
    # One line longer than a piece: readline asks until it has the newline.
    with open(name, "wb") as f:
        f.write(b"y" * 3000 + b"\nend\n")
    with open(name, "rb") as f:
        a = f.readline()
        b = f.readline()
    return len(a), b


assert_small_board(device)
assert write_big("big.bin", 64) == 16384
with open(os.path.join(folder, "big.bin"), "rb") as f:
    assert f.read() == bytes(range(256)) * 64
h = 0
for b in bytes(range(256)) * 64:
    h = (h * 31 + b) & 0xFFFFFFFF
assert checksum("big.bin") == (16384, h)
# 64 KiB, the whole heap of the board, in four writes: written and read back through the mount.
assert write_big("huge.bin", 64, 4) == 65536
assert os.path.getsize(os.path.join(folder, "huge.bin")) == 65536
assert checksum("huge.bin")[0] == 65536
assert write_text("text.txt", 100) == 100
assert count_lines("text.txt") == 100
assert long_line("long.bin") == (3001, b"end\n")
with open(os.path.join(folder, "mod_big.py"), "w") as f:
    # ~4 KiB of source: an import reads it in several pieces.
    f.write("".join("V%d = %r\n" % (i, "v" * 60) for i in range(60)))
assert device("__import__('mod_big').V59") == "v" * 60
print("small heap mount ok")
