"""Importing a 20-module package through a mount against syncing it first, run by belay-run.

    mount_fs_workload.py PORT SCRATCH [REPEAT]  ->  one JSON line: milliseconds and bytes

SCRATCH is an empty host folder of the caller's. The package goes to SCRATCH/src: `pkg/` with an
empty `__init__.py`, `m00.py` ... `m19.py` (about 1 KiB each: two constants, five functions and
their comments) and `all.py`, which imports the twenty. Board code imports `pkg.all` in three steps
each way, every module dropped from `sys.modules` first so the import really happens:

- first: `device.mount(src)` (at /remote), or `device.sync(src, dst=...)` into an empty folder
  and the folder put first on `sys.path`; then the import;
- again, nothing changed: the import (mount), or a sync that finds nothing to send and the
  import (sync);
- again, one module edited on the host (its VERSION goes up): the same.

Each step runs REPEAT times (default 3; the median counts); the first step gets a fresh sync
folder each time (and an unmount before each mount). Every import is checked: `pkg.all.versions()`
must add up the host's VERSIONs. The board paths are all under SCRATCH (the unix test board's
files are the host's). Before measuring, one mount and one sync of an empty folder define the
helpers each side sends once per connection ("warmup", reported apart).

With BELAY_BENCH_STATS=FILE (board.py --stats FILE) the bytes on the wire are reported too,
[to the board, from the board], per step. Each step's JSON value is [ms, [sent, received],
[mount operations, of them reads]] (the board's calls to the host that serves the mount: stat,
open, read, close), and for sync the import alone is reported too (`sync_import`).
"""
import json
import os
import statistics
import sys
import time

import belay

from bench import read_stats, settled_stats

PORT, SCRATCH = sys.argv[1], sys.argv[2]
REPEAT = int(sys.argv[3]) if len(sys.argv) > 3 else 3
STATS = os.environ.get("BELAY_BENCH_STATS")
SRC = os.path.join(SCRATCH, "src")
MODULES = 20
EDITED = 7  # the module whose VERSION goes up in the "edited" step

MODULE = '''\
"""Module {i:02d} of the benchmark package: a few small helpers, about 1 KiB of source."""
VERSION = {version}
SCALE = {scale}


def scaled(values):
    # Multiply every value by this module's scale; returns a new list.
    return [v * SCALE for v in values]


def clamp(x, low=0, high=1000):
    # Keep x within [low, high], the way a sensor reading is bounded.
    if x < low:
        return low
    if x > high:
        return high
    return x


def checksum(data):
    # A small rolling checksum over bytes, as a board might frame a message.
    total = {i}
    for b in data:
        total = (total * 31 + b) & 0xFFFF
    return total


def describe(name="module {i:02d}"):
    # A short text with the module's version, scale and checksum of its name.
    return "%s v%d x%d #%04x" % (name, VERSION, SCALE, checksum(name.encode()))


def average(values, default=0):
    # The mean of a list of readings, or `default` for an empty one.
    if not values:
        return default
    return sum(values) / len(values)
'''


def write_module(i, version):
    with open(os.path.join(SRC, "pkg", f"m{i:02d}.py"), "w") as f:
        f.write(MODULE.format(i=i, version=version, scale=i + 2))


def make_package():
    os.makedirs(os.path.join(SRC, "pkg"))
    with open(os.path.join(SRC, "pkg", "__init__.py"), "w") as f:
        f.write("")
    for i in range(MODULES):
        write_module(i, 1)
    names = ", ".join(f"m{i:02d}" for i in range(MODULES))
    with open(os.path.join(SRC, "pkg", "all.py"), "w") as f:
        f.write(f"from . import {names}\n\nMODULES = ({names})\n\n\n")
        f.write("def versions():\n    return sum(m.VERSION for m in MODULES)\n")


def settled():
    return settled_stats(STATS) if STATS else (0, 0)


def wire():
    return read_stats(STATS) if STATS else (0, 0)


class Counted:
    """The mounted folder's server, counting the operations the board asks of it (each one a
    round trip). It wraps belay-run's own server in the device's mount table, an internal
    (`device._belay_mounts.servers`): without it, nothing is counted."""

    calls = reads = 0

    def __init__(self, server):
        self.server = server

    def __call__(self, op, *args):
        Counted.calls += 1
        Counted.reads += op == "read"
        return self.server(op, *args)

    def close(self):
        self.server.close()


def count_calls():
    servers = getattr(getattr(device, "_belay_mounts", None), "servers", None)
    if servers is not None and "/remote" in servers and not isinstance(servers["/remote"], Counted):
        servers["/remote"] = Counted(servers["/remote"])


def measure(step):
    """Run step(); (ms, [bytes sent, bytes received], [mount operations, of them reads]). Every
    command waits for the board's answer, so the counters read right after it hold all of it."""
    before, calls, reads = settled(), Counted.calls, Counted.reads
    t0 = time.perf_counter()
    step()
    ms = (time.perf_counter() - t0) * 1000
    after = wire()
    return ms, [after[0] - before[0], after[1] - before[1]], [Counted.calls - calls, Counted.reads - reads]


def median(samples):
    """[median ms, [median sent, received], [median mount operations, reads]] of samples."""
    ms = statistics.median(s[0] for s in samples)
    pick = lambda i, j: statistics.median(s[i][j] for s in samples)
    return [round(ms, 3), [pick(1, 0), pick(1, 1)], [pick(2, 0), pick(2, 1)]]


device = belay.Device(PORT)
expected = MODULES  # the sum of the VERSIONs on the host
version = 1


def forget():
    # Drop the package from the board's module cache, so the next import reads the files again.
    device("import sys\nfor k in [k for k in sys.modules if k == 'pkg' or k.startswith('pkg.')]:\n del sys.modules[k]")


def do_import():
    device("import pkg.all")


def check():
    got = device("pkg.all.versions()")
    if got != expected:
        sys.exit(f"pkg.all.versions() is {got}, the host's files add up to {expected}")


def edit():
    """The host edits one module: its VERSION goes up (not timed)."""
    global expected, version
    version += 1
    write_module(EDITED, version)
    expected += 1


make_package()
os.makedirs(os.path.join(SCRATCH, "empty"))
results = {}

# --- warm-up: the helpers each way defines once per connection --------------------------------
results["warmup_mount"] = list(
    measure(lambda: (device.mount(os.path.join(SCRATCH, "empty")), device.unmount("/remote")))[:2]
)
warm_dst = os.path.join(SCRATCH, "warmup")
os.makedirs(warm_dst)
results["warmup_sync"] = list(measure(lambda: device.sync(os.path.join(SCRATCH, "empty"), dst=warm_dst))[:2])

# --- mount ---------------------------------------------------------------------------------------
first = []
for _ in range(REPEAT):
    forget()
    first.append(measure(lambda: (device.mount(SRC), count_calls(), do_import())))
    check()
    if len(first) < REPEAT:
        device.unmount("/remote")
results["mount_first"] = median(first)
again, edited = [], []
for _ in range(REPEAT):
    forget()
    again.append(measure(do_import))
    check()
for _ in range(REPEAT):
    edit()
    forget()
    edited.append(measure(do_import))
    check()
results["mount_again"], results["mount_edited"] = median(again), median(edited)
device.unmount("/remote")
forget()

# --- sync ----------------------------------------------------------------------------------------
first, first_import = [], []
for n in range(REPEAT):
    dst = os.path.join(SCRATCH, f"board{n}")
    os.makedirs(dst)  # empty: everything is sent
    device(f"import sys\nsys.path.insert(0, {dst!r})")
    forget()
    first.append(measure(lambda: (device.sync(SRC, dst=dst), do_import())))
    check()
    forget()
    first_import.append(measure(do_import))
    device(f"sys.path.remove({dst!r})")
device(f"sys.path.insert(0, {dst!r})")  # the last folder stays in use
again, edited = [], []
for _ in range(REPEAT):
    forget()
    again.append(measure(lambda: (device.sync(SRC, dst=dst), do_import())))
    check()
for _ in range(REPEAT):
    edit()
    forget()
    edited.append(measure(lambda: (device.sync(SRC, dst=dst), do_import())))
    check()
results["sync_first"], results["sync_again"], results["sync_edited"] = median(first), median(again), median(edited)
results["sync_import"] = median(first_import)  # the import alone, from the board's own files
results["repeat"] = REPEAT
device(f"sys.path.remove({dst!r})")
forget()
device.close()
print(json.dumps(results))
