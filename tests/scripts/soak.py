"""Soak: many task calls on one connection; host memory must stay flat.

    soak.py PORT CALLS

Asserts that every call returned the right value, and that between the end of the first 1000
calls and the end of the run the host's resident memory grows by less than 5 MB and the board's
heap (after a collection) loses less than 64 KiB (distinct short strings are sent on every call:
they must not pile up in the board's qstr pool). Prints the
median call time of the first and the last 1000 calls (reported, never asserted: timings are not
pass/fail).
"""
import sys
import time

import belay
from testlib import board_heap_free, rss_kib, startup_options

PORT, CALLS = sys.argv[1], int(sys.argv[2])
device = belay.Device(PORT, **startup_options(sys.argv))


@device.task
def step(i, text, values):
    return i + 1, text.upper(), sum(values)


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


times = []
rss_after_warmup = None
for i in range(CALLS):
    t0 = time.perf_counter()
    got = step(i, "call %d" % i, [i, 2.5, -1])
    times.append(time.perf_counter() - t0)
    assert got == (i + 1, "CALL %d" % i, i + 1.5), (i, got)
    if i == 999:
        rss_after_warmup = rss_kib()
        board_free = board_heap_free(device)
grown = rss_kib() - rss_after_warmup
assert grown < 5 * 1024, f"host memory grew {grown} KiB over {CALLS} calls"
board_lost = board_free - board_heap_free(device)
assert board_lost < 64 * 1024, f"the board lost {board_lost} bytes of heap over {CALLS} calls"
first, last = median(times[:1000]), median(times[-1000:])
device.close()
print(f"soak: {CALLS} calls, host RSS growth {grown} KiB, board heap lost {board_lost} B, median call "
      f"first 1000 {first * 1e3:.3f} ms, last 1000 {last * 1e3:.3f} ms ({last / first:.2f}x)")
