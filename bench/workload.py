"""The benchmark workload, run unchanged by belay-run and by Belay 0.30.1 on CPython.

    workload.py PORT  ->  one JSON line of medians in milliseconds

With BELAY_BENCH_STATS=FILE (the test board's byte counters, board.py --stats FILE) each
measurement also reports the bytes on the wire, as [to the board, from the board]: per call for
the calls ("task_call_bytes": [47, 42], ...), for one Device(port) for "connect_bytes" (the
median of five, close not included). Standard library only: the same file runs under belay-run
and CPython.
"""
import json
import os
import statistics
import struct
import sys
import time

import belay

PORT = sys.argv[1]
STATS = os.environ.get("BELAY_BENCH_STATS")


def wire_bytes():
    """(bytes host->board, bytes board->host) so far on the board's link."""
    with open(STATS, "rb") as f:
        return struct.unpack("<QQ", f.read(16))


def settled_bytes(quiet=0.05, limit=3.0):
    """The counters once the link has carried nothing for `quiet` s: bytes still under way on a
    paced link (a reply being delivered, a reboot banner) are counted in the phase they belong to."""
    last = wire_bytes()
    since = time.perf_counter()
    while time.perf_counter() - since < quiet and time.perf_counter() - since < limit:
        time.sleep(0.005)
        now = wire_bytes()
        if now != last:
            last, since = now, time.perf_counter()
    return last


def count(value):
    """A byte count for the JSON: whole numbers as ints, averages to one decimal."""
    return int(value) if float(value).is_integer() else round(value, 1)


def per_call(before, after, n):
    """Bytes [to the board, from the board] per call between two counter readings."""
    return [count((after[i] - before[i]) / n) for i in (0, 1)]


results = {}


def measure(key, fn, n):
    """results[key]: the median of n calls in ms; results[key + '_bytes']: bytes per call."""
    fn()  # warm-up
    before = wire_bytes() if STATS else None
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    # Every call waits for its reply, so all its bytes have crossed the wire by now.
    if STATS:
        results[key + "_bytes"] = per_call(before, wire_bytes(), n)
    results[key] = statistics.median(samples) * 1000


def connect():
    belay.Device(PORT).close()


measure("connect", connect, 5)

# The bytes of one connect, each from a quiet link to a quiet link, close not included; the
# median of five (a connect's time sync may take a varying number of round trips).
if STATS:
    counts = []
    for _ in range(5):
        before = settled_bytes()
        probe = belay.Device(PORT)
        counts.append(per_call(before, settled_bytes(), 1))
        probe.close()
    results["connect_bytes"] = [count(statistics.median(c[i] for c in counts)) for i in (0, 1)]
device = belay.Device(PORT)


@device.task
def add(a, b):
    return a + b


@device.task
def echo(x):
    return x


def lcg(n, seed=1):
    """n pseudo-random 31-bit numbers (the same sequence in crates/transport/examples/floor.rs)."""
    out = []
    for _ in range(n):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(seed)
    return out


blob = bytes(range(256)) * 16
numbers = list(range(1000))
# Data that does not compress: random bytes. Sensor-like readings: a slow triangle wave around
# 2048 (a 12-bit ADC) with +-8 counts of noise.
noise = bytes(x >> 16 & 255 for x in lcg(4096))
sensor = [2048 + abs(i * 6 % 1200 - 600) - 300 + x % 17 - 8 for i, x in enumerate(lcg(1000))]
for value in (blob, numbers, noise, sensor):
    assert echo(value) == value
assert add(1, 2) == 3
measure("task_call", lambda: add(1, 2), 300)
measure("echo_4k_bytes", lambda: echo(blob), 60)
measure("echo_1000_ints", lambda: echo(numbers), 60)
measure("echo_4k_random", lambda: echo(noise), 20)
measure("echo_1000_sensor", lambda: echo(sensor), 20)
device.close()
print(json.dumps(results))
