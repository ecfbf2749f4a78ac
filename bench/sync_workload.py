"""The file-transfer workload, run unchanged by belay-run and by Belay 0.30.1 on CPython.

    sync_workload.py PORT DST [NOOP_RUNS]  ->  one JSON line: milliseconds and bytes

A folder of 50 small text files (2 KiB each) and one 256 KiB binary file is synced into the
empty board folder DST (everything sent), then synced again unchanged (nothing should be sent),
NOOP_RUNS times (default 5; the median counts).

With BELAY_BENCH_STATS=FILE (the test board's byte counters, board.py --stats FILE) the bytes on
the wire are reported too, as [to the board, from the board]: "sync_full_bytes" for the full
sync, "sync_noop_bytes" per no-op sync.
"""
import json
import os
import random
import statistics
import struct
import sys
import tempfile
import time

import belay

PORT, DST = sys.argv[1], sys.argv[2]
NOOP_RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
STATS = os.environ.get("BELAY_BENCH_STATS")


def wire_bytes():
    """(bytes host->board, bytes board->host) so far on the board's link; zeros without stats."""
    if not STATS:
        return (0, 0)
    with open(STATS, "rb") as f:
        return struct.unpack("<QQ", f.read(16))


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
b0 = wire_bytes()
t0 = time.perf_counter()
device.sync(src, dst=DST)
full = time.perf_counter() - t0
b1 = wire_bytes()
device(f"f = open({DST + '/blob.bin'!r}, 'rb'); n = f.seek(0, 2); f.seek(n - 100); tail = f.read(); f.close()")
assert device("n") == len(blob) and device("tail") == blob[-100:]
noop = []
b2 = wire_bytes()
for _ in range(NOOP_RUNS):
    t0 = time.perf_counter()
    device.sync(src, dst=DST)
    noop.append(time.perf_counter() - t0)
b3 = wire_bytes()
device.close()
results = {"sync_full_ms": full * 1000, "sync_noop_ms": statistics.median(noop) * 1000, "bytes": total}
if STATS:
    results["sync_full_bytes"] = [b1[0] - b0[0], b1[1] - b0[1]]
    noop_bytes = [(b3[i] - b2[i]) / NOOP_RUNS for i in (0, 1)]
    results["sync_noop_bytes"] = [int(v) if v.is_integer() else round(v, 1) for v in noop_bytes]
print(json.dumps(results))
