"""The benchmark workload, run unchanged by belay-run and by Belay 0.30.1 on CPython.

    workload.py PORT  ->  one JSON line of medians in milliseconds
"""
import json
import statistics
import sys
import time

import belay

PORT = sys.argv[1]


def median_ms(fn, n):
    fn()  # warm-up
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def connect():
    belay.Device(PORT).close()


results = {"connect": median_ms(connect, 5)}

device = belay.Device(PORT)


@device.task
def add(a, b):
    return a + b


@device.task
def echo(x):
    return x


blob = bytes(range(256)) * 16
numbers = list(range(1000))
assert add(1, 2) == 3 and echo(blob) == blob and echo(numbers) == numbers
results["task_call"] = median_ms(lambda: add(1, 2), 300)
results["echo_4k_bytes"] = median_ms(lambda: echo(blob), 60)
results["echo_1000_ints"] = median_ms(lambda: echo(numbers), 60)
device.close()
print(json.dumps(results))
