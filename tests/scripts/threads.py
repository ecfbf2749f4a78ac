"""Calls from many host threads at once, as a device's first calls and later: every result reaches
the thread that asked for it (floats, containers, proxies, generators, return_time), and the
lazily sent helpers are defined once.

    threads.py PORT ROUNDS THREADS [--no-startup]

Each round connects afresh (nothing defined on the board yet), then THREADS threads start their
calls together.
"""
import sys
import threading

import belay
from testlib import startup_options

port, rounds, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def round_of_calls(device):
    @device.task
    def half(i):
        return i + 0.5

    @device.task
    def pair(i):
        return [i, i / 4, {"i": (i, str(i))}]

    @device.task
    def count_up(i, n):
        for k in range(n):
            yield i * 100 + k + 0.25

    start = threading.Barrier(count)
    wrong = []

    def worker(i):
        try:
            start.wait()
            for step in range(3):
                got = half(i)
                if got != i + 0.5:
                    wrong.append((i, step, "half", got))
                got = pair(i)
                if got != [i, i / 4, {"i": (i, str(i))}]:
                    wrong.append((i, step, "pair", got))
                got = list(count_up(i, 3))
                if got != [i * 100 + k + 0.25 for k in range(3)]:
                    wrong.append((i, step, "count_up", got))
                proxy = device(f"[{i}, {i}.5, 'x{i}']", proxy=True)
                got = (proxy[0], proxy[1], proxy[2], len(proxy))
                if got != (i, i + 0.5, f"x{i}", 3):
                    wrong.append((i, step, "proxy", got))
                got, _ = device(f"{i} * 1.5", return_time=True)
                if got != i * 1.5:
                    wrong.append((i, step, "return_time", got))
        except Exception as e:  # a wrong result may show as an error on the board too
            wrong.append((i, "raised", repr(e)))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong, wrong


for r in range(rounds):
    device = belay.Device(port, **startup_options(sys.argv[4:]))
    round_of_calls(device)
    device.close()
print("threads ok")
