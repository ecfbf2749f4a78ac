"""Calls per second on several boards at once, one host thread per board.

    belay-run bench/scale_workload.py SECONDS PORT [PORT...]  ->  one JSON line

Each thread calls `add(1, 2)` on its own board for SECONDS; the line gives the calls per second
of each board and in total. Nothing in belay-run serialises independent devices, so the total
grows with the boards until the host's cores (or the boards' processes, on a test machine) are
busy.
"""
import json
import sys
import threading
import time

import belay

seconds = float(sys.argv[1])
ports = sys.argv[2:]
devices = [belay.Device(port) for port in ports]
tasks = []
for device in devices:

    @device.task
    def add(a, b):
        return a + b

    tasks.append(add)

counts = [0] * len(devices)
start = threading.Barrier(len(devices) + 1)


def work(i):
    start.wait()
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        assert tasks[i](1, 2) == 3
        n += 1
    counts[i] = n


threads = [threading.Thread(target=work, args=(i,)) for i in range(len(devices))]
for t in threads:
    t.start()
start.wait()
for t in threads:
    t.join()
for device in devices:
    device.close()
print(json.dumps({"boards": len(ports), "per_board": [c / seconds for c in counts], "total": sum(counts) / seconds}))
