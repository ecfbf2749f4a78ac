"""Data larger than a small board's heap (run on a unix board started with `--heap 64k`, with
`startup=""`), checked byte for byte. The unix board's files are the host's: SCRATCH is a host
folder the test made.

    small_heap.py PORT SCRATCH sync|argument
"""
import os
import sys

import belay
from testlib import assert_small_board, noise

port, scratch, case = sys.argv[1], sys.argv[2], sys.argv[3]
device = belay.Device(port, startup="", attempts=1)


assert_small_board(device)

if case == "sync":
    # device.sync of a folder with a 100 KiB file: hashed on the board and written in pieces.
    src, dst = os.path.join(scratch, "src"), os.path.join(scratch, "dst")
    os.makedirs(src)
    big = noise(100 * 1024)
    with open(os.path.join(src, "big.bin"), "wb") as f:
        f.write(big)
    with open(os.path.join(src, "small.txt"), "w") as f:
        f.write("small\n")
    pushed = []
    device.sync(src, dst=dst, progress_update=lambda description=None, **kw: description
                and description.startswith("Pushing: ") and pushed.append(description))
    assert len(pushed) == 2, pushed
    with open(os.path.join(dst, "big.bin"), "rb") as f:
        assert f.read() == big
    # Unchanged: the board's hash of the 100 KiB file matches, nothing is sent.
    pushed.clear()
    device.sync(src, dst=dst)
    device.sync(src, dst=dst, progress_update=lambda description=None, **kw: description
                and description.startswith("Pushing: ") and pushed.append(description))
    assert pushed == [], pushed
    # One byte changed in the middle: the file is sent again.
    changed = big[:50000] + bytes([big[50000] ^ 1]) + big[50001:]
    with open(os.path.join(src, "big.bin"), "wb") as f:
        f.write(changed)
    device.sync(src, dst=dst, progress_update=lambda description=None, **kw: description
                and description.startswith("Pushing: ") and pushed.append(description))
    assert len(pushed) == 1 and pushed[0].endswith("big.bin"), pushed
    with open(os.path.join(dst, "big.bin"), "rb") as f:
        assert f.read() == changed
    print("small heap sync ok")
elif case == "argument":
    # A 16 KiB bytes argument that does not compress (Belay 0.30.1 passes it on this board).
    @device.task
    def digest(data):
        h = 0
        for b in data:
            h = (h * 31 + b) & 0xFFFFFFFF
        return len(data), type(data).__name__, h

    for n in (1024, 16 * 1024):
        data = noise(n)
        h = 0
        for b in data:
            h = (h * 31 + b) & 0xFFFFFFFF
        assert digest(data) == (n, "bytes", h), n
    print("small heap argument ok")
else:
    raise SystemExit(f"unknown case {case!r}")
