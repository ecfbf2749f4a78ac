"""Event latency on a test board: board->host events against polling with a task.

    events_workload.py PORT events|poll [N]  ->  one JSON line

A thread on the board takes N readings of `time.time_ns()`, 20-40 ms apart (a fixed pseudo-random
sequence, the same in both modes), after a 300 ms pause (so the counters can be read before the
first one):
- events: each reading goes out at once with `belay_emit("tick", t)`; the host waits on a
  threading.Event and `@device.on("tick")` takes `time.time_ns()` first thing. Latency: that
  minus t. Needs board->host events (belay-run).
- poll: each reading is appended to a list on the board; the host calls the task `poll()` every
  10 ms (what Belay users do today) and takes `time.time_ns()` as each call returns. Latency:
  that minus t, for every reading the call brought. Runs under belay-run and Belay 0.30.1.

On the test boards the board's `time.time_ns()` reads the host's clock (same machine), so the
difference is the true delay from reading to the host holding it. With BELAY_BENCH_STATS=FILE
(board.py --stats FILE) the bytes on the wire are counted, [to the board, from the board], per
reading and per second of readings (the span from the first reading's call or emit to the last).
"""
import json
import os
import statistics
import sys
import threading
import time

import belay

from bench import read_stats, settled_stats

PORT = sys.argv[1]
MODE = sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 200
STATS = os.environ.get("BELAY_BENCH_STATS")
DELAY_MS = 300
POLL_PERIOD = 0.010


def wire():
    return read_stats(STATS) if STATS else (0, 0)


def settled():
    return settled_stats(STATS) if STATS else (0, 0)


def rounded(x, digits=1):
    return int(x) if float(x).is_integer() else round(x, digits)


def summary(latencies_ns, before, after, span_s):
    """Median, p99 (nearest rank) and worst latency in ms; bytes per reading and per second."""
    ms = sorted(x / 1e6 for x in latencies_ns)
    n = len(ms)
    p99 = ms[max(0, -(-99 * n // 100) - 1)] if n else None
    delta = [after[i] - before[i] for i in (0, 1)]
    return {
        "n": n,
        "median_ms": round(statistics.median(ms), 3) if n else None,
        "p99_ms": round(p99, 3) if n else None,
        "max_ms": round(ms[-1], 3) if n else None,
        "min_ms": round(ms[0], 3) if n else None,
        "bytes_per_reading": [rounded(d / max(n, 1)) for d in delta] if STATS else None,
        "bytes_per_s": [rounded(d / span_s, 0) for d in delta] if STATS and span_s > 0 else None,
        "span_s": round(span_s, 3),
    }


device = belay.Device(PORT)

if MODE == "events":
    latencies, whens, emitted = [], [], []
    last_held = [0]
    done = threading.Event()

    @device.on("tick")
    def tick(value, when):
        now = time.time_ns()
        latencies.append(now - value)
        emitted.append(value)
        last_held[0] = now
        # How far the host's estimate of the emit time (from the board's clock) is from it.
        whens.append(when * 1e9 - value)
        if len(latencies) >= N:
            done.set()

    @device.setup
    def sink():
        def _sink(t):
            belay_emit("tick", t)  # noqa: F821 (the board's)

elif MODE == "poll":

    @device.setup
    def sink():
        buf = []
        _sink = buf.append

    @device.task
    def poll():
        n = len(buf)  # noqa: F821 (the board's)
        out = buf[:n]  # noqa: F821
        del buf[:n]  # noqa: F821
        return out

else:
    sys.exit("mode: events or poll")


@device.setup
def start(count, seed, delay_ms):
    import time

    import _thread

    def _emitter(count, seed, delay_ms):
        time.sleep_ms(delay_ms)
        for _ in range(count):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            time.sleep_ms(20 + seed % 21)
            _sink(time.time_ns())  # noqa: F821 (the board's)

    _thread.start_new_thread(_emitter, (count, seed, delay_ms))


limit = N * 0.040 + DELAY_MS / 1000 + 10
result = {"mode": MODE, "events": N}
sink()
start(N, 1, DELAY_MS)
before = settled()
if MODE == "events":
    done.wait(limit)
    after = settled()
    got, values = list(latencies), list(emitted)
    # The span: from the first reading on the board to the last one held on the host.
    span = (last_held[0] - min(values)) / 1e9 if values else 0
    result.update(summary(got, before, after, span))
    result["received"] = len(got)
    result["dropped"] = device.events_dropped
    result["when_error_ms"] = round(statistics.median(whens) / 1e6, 3) if whens else None
else:
    latencies = []
    start_bytes = t_start = None
    deadline = time.perf_counter() + limit
    due = time.perf_counter()
    polls = empty = 0
    while len(latencies) < N and time.perf_counter() < deadline:
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        due += POLL_PERIOD
        mark, t_call = wire(), time.perf_counter()
        readings = poll()
        now = time.time_ns()
        polls += 1
        if due < time.perf_counter():
            due = time.perf_counter()  # late: the next call at once, no catch-up burst
        if not readings:
            empty += 1
            continue
        if t_start is None:
            # Counted from the call that brought the first reading.
            start_bytes, t_start = mark, t_call
        latencies.extend(now - t for t in readings)
    after = wire()  # every call waited for its reply: all its bytes are counted
    span = time.perf_counter() - t_start if t_start is not None else 0
    result.update(summary(latencies, start_bytes or before, after, span))
    result["received"] = len(latencies)
    result["polls"] = polls
    result["empty_polls"] = empty
device.close()
print(json.dumps(result))
