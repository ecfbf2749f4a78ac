"""CircuitPython paths on the unix board's CircuitPython personality (board.py --circuitpython,
started with supervisor.ticks_ms a few seconds before its 2**29 wrap).

    circuitpython_session.py PORT DST
"""
import os
import sys
import tempfile
import time

import belay
from testlib import expect

PORT, DST = sys.argv[1], sys.argv[2]
device = belay.Device(PORT)
offset_before_wrap = device.time_offset

# Implementation detection.
impl = device.implementation
assert impl.name == "circuitpython", impl
assert tuple(impl.version[:3]) == (10, 3, 0), impl
assert impl.platform == "linux" and impl.arch == "x64", impl

# The CircuitPython convenience imports ran: board, digitalio and sleep are board globals, and
# MicroPython's helpers are not there.
assert device("repr(board.LED), type(sleep).__name__") == ("board.LED", "function")
assert device("hasattr(time, 'ticks_ms'), hasattr(os, 'ilistdir')") == (False, False)
expect(belay.PyboardException, lambda: device("import machine"))


# No threads on CircuitPython: refused on the host, before anything is sent.
def background():
    pass


error = expect(belay.FeatureUnavailableError, lambda: device.thread(background))
assert "thread" in str(error).lower(), error


# Tasks use the convenience imports.
@device.task
def toggle(state):
    led = digitalio.DigitalInOut(board.LED)
    led.direction = digitalio.Direction.OUTPUT
    led.value = state
    sleep(0.01)
    return led.value, analogio.AnalogIn(board.A0).value


assert toggle(True) == (True, 1237)
assert toggle(False) == (False, 1237)


# A board exception's traceback points at this file (MicroPython's wording: the VM underneath is
# MicroPython's, and CircuitPython 10's recorded wording is the same).
@device.task
def fails():
    return undefined_here  # FAILS-HERE


error = expect(belay.PyboardException, fails)
line = next(n for n, l in enumerate(open(__file__), 1) if l.strip().endswith("# FAILS-HERE"))
lines = str(error).replace("\r\n", "\n").splitlines()
at = lines.index(f'  File "{__file__}", line {line}, in fails')
assert lines[at + 1] == "    return undefined_here  # FAILS-HERE", lines
assert lines[-1] == "NameError: name 'undefined_here' isn't defined", lines


# return_time across the wrap of supervisor.ticks_ms (29 bits): host times stay in order and
# follow the host clock.
@device.task(return_time=True)
def board_ticks():
    return supervisor.ticks_ms()


to_wrap = (1 << 29) - device("supervisor.ticks_ms()")
assert 500 < to_wrap < 10000, f"the wrap is {to_wrap} ms away"
samples = []
wrapped_at = None
deadline = time.time() + 10
while time.time() < deadline and (wrapped_at is None or time.time() < wrapped_at + 0.5):
    host_before = time.time()
    ticks, when = board_ticks()
    samples.append((ticks, when.timestamp(), host_before, time.time()))
    if wrapped_at is None and len(samples) > 1 and ticks < samples[-2][0]:
        wrapped_at = time.time()
    time.sleep(0.05)
raw = [s[0] for s in samples]
assert wrapped_at is not None, f"the ticks did not wrap: {raw[:3]}...{raw[-3:]}"
stamps = [s[1] for s in samples]
assert stamps == sorted(stamps), "host times out of order across the wrap"
for ticks, stamp, before, after in samples:
    assert before - 0.05 <= stamp <= after + 0.05, (ticks, stamp, before, after)
# A new time synchronisation after the wrap: the offset (board - host, in the board's raw ticks, as
# in Belay) moved back by one period of supervisor.ticks_ms, and board times still map to the host's.
device.sync_time()
moved = offset_before_wrap - device.time_offset
assert abs(moved - (1 << 29) / 1000) < 0.1, (offset_before_wrap, device.time_offset)
host_before = time.time()
ticks, when = board_ticks()
assert host_before - 0.05 <= when.timestamp() <= time.time() + 0.05, (ticks, when, host_before)

# sync lists directories with os.listdir + os.stat (no ilistdir here).
local = tempfile.mkdtemp(prefix="belay-cp-sync-")
os.makedirs(os.path.join(local, "sub"))
for rel, text in (("a.txt", "a"), ("sub/b.txt", "b")):
    with open(os.path.join(local, rel), "w") as f:
        f.write(text)
device.sync(local, dst=DST)
device(f"open({DST + '/stale.txt'!r}, 'w').write('x')")
os.remove(os.path.join(local, "a.txt"))
device.sync(local, dst=DST)
assert device(f"sorted(os.listdir({DST!r}))") == ["sub"]
assert device(f"open({DST + '/sub/b.txt'!r}).read()") == "b"
device.close()
print("circuitpython ok")
