"""Clock synchronisation, return_time, emitters (belay tests/test_time_sync.py, on real boards).

A last argument --no-startup makes the device with `startup=""` (no start-up imports).
"""
import datetime
import sys
import time

import belay
from testlib import startup_options

port, expected_emitters = sys.argv[1], tuple(e for e in sys.argv[2].split(",") if e)
device = belay.Device(port, **startup_options(sys.argv[3:]))
assert device.implementation.emitters == expected_emitters, device.implementation.emitters

offset = device.time_offset
assert isinstance(offset, float)
for samples in (1, 3, 10):
    assert device.sync_time(samples=samples) == device.time_offset


@device.task(return_time=True)
def doubled(x):
    return x * 2


def close_to_now(stamp):
    assert isinstance(stamp, datetime.datetime), stamp
    assert abs(stamp.timestamp() - time.time()) < 0.5, (stamp, datetime.datetime.now())


value, stamp = doubled(21)
assert value == 42
close_to_now(stamp)
value, stamp = device("6 * 7", return_time=True)
assert value == 42
close_to_now(stamp)
assert device("6 * 7", with_timing=False) == 42


@device.task(return_time=True)
def ticks():
    yield "a"
    yield "b"


pairs = list(ticks())
assert [v for v, _ in pairs] == ["a", "b"]
for _, stamp in pairs:
    close_to_now(stamp)
try:
    device("x = 1", return_time=True)
except ValueError:
    pass
else:
    raise AssertionError("a statement has no time")
device.close()

quiet = belay.Device(port, auto_sync_time=False, **startup_options(sys.argv[3:]))
try:
    quiet.time_offset
except ValueError as e:
    assert "Time synchronization has not been performed" in str(e)
else:
    raise AssertionError("an offset without synchronisation")
assert isinstance(quiet.sync_time(), float)
print("timing ok")
