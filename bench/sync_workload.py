"""The file-transfer workload, run unchanged by belay-run and by Belay 0.30.1 on CPython.

    sync_workload.py PORT DST  ->  one JSON line: milliseconds and bytes

A folder of 50 small text files (2 KiB each) and one 256 KiB binary file is synced into the
empty board folder DST (everything sent), then synced again unchanged (nothing should be sent).
"""
import json
import os
import random
import statistics
import sys
import tempfile
import time

import belay

PORT, DST = sys.argv[1], sys.argv[2]
rng = random.Random(1)
src = tempfile.mkdtemp(prefix="belay-bench-sync-")
total = 0
for i in range(50):
    text = "".join(rng.choice("abcdefghij \n") for _ in range(2048))
    with open(os.path.join(src, f"file{i:02d}.txt"), "w") as f:
        f.write(text)
    total += len(text)
blob = bytes(rng.getrandbits(8) for _ in range(256 * 1024))
with open(os.path.join(src, "blob.bin"), "wb") as f:
    f.write(blob)
total += len(blob)

device = belay.Device(PORT)
t0 = time.perf_counter()
device.sync(src, dst=DST)
full = time.perf_counter() - t0
device(f"f = open({DST + '/blob.bin'!r}, 'rb'); n = f.seek(0, 2); f.seek(n - 100); tail = f.read(); f.close()")
assert device("n") == len(blob) and device("tail") == blob[-100:]
noop = []
for _ in range(5):
    t0 = time.perf_counter()
    device.sync(src, dst=DST)
    noop.append(time.perf_counter() - t0)
device.close()
print(json.dumps({"sync_full_ms": full * 1000, "sync_noop_ms": statistics.median(noop) * 1000, "bytes": total}))
