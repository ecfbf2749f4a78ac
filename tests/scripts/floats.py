"""Floats at the board's own precision (docs/protocol.md §3.3), in every path a float takes.

    floats.py PORT single|double

`single`: the board reports 32-bit floats (`board.py --float32`; its VM still computes in
doubles): every float the host reads is the shortest decimal at 24 bits, every float it sends is
one a 32-bit board holds. `double`: the unix board as it is: floats are exact doubles both ways.
"""
import struct
import sys
import threading
import time

import belay
from testlib import startup_options

port, kind = sys.argv[1], sys.argv[2]
single = kind == "single"
device = belay.Device(port, **startup_options(sys.argv))


def f32(x):
    """The nearest 32-bit float, as a host float."""
    return struct.unpack("f", struct.pack("f", x))[0]


def read(x):
    """What the host should read for board value x: itself on a double board; on a 32-bit one,
    the shortest decimal that gives the same 32-bit float back."""
    if not single or x != x or x in (float("inf"), float("-inf")):
        return x
    board = f32(x)
    for digits in range(1, 10):
        text = "%.*e" % (digits - 1, board)
        if f32(float(text)) == board:
            return float(text)
    raise AssertionError(x)


# Results: a value, a container, a device(...) expression. On the board 0.1 * 3 is
# 0.30000000000000004; a 32-bit board's value reads as 0.3.
@device.task
def sensor():
    return [21.6, 0.1 * 3, 1.5, {"t": (2.2, -0.0)}, {7.25}]


got = sensor()
assert got == [read(21.6), read(0.1 * 3), 1.5, {"t": (read(2.2), -0.0)}, {7.25}], got
if single:
    assert got[:3] == [21.6, 0.3, 1.5], got
    assert device("0.3") == 0.3 and device("0.1 * 3") == 0.3
else:
    assert got[1] == 0.30000000000000004 and device("0.1 * 3") == 0.30000000000000004
assert device("float('inf')") == float("inf") and device("-1e300") == (float("-inf") if single else -1e300)


# Arguments: a 32-bit board gets the value it can hold (which comes back as what was sent).
@device.task
def ident(x):
    return x


@device.task
def held_exactly(x):
    import struct

    return struct.unpack("f", struct.pack("f", x))[0] == x


for x in [0.3, 21.6, 1 / 3, 1e-40, 123456.789, -2.5]:
    assert ident(x) == (read(x) if single else x), (x, ident(x))
    assert held_exactly(x) == (single or f32(x) == x), x
assert ident([0.1, (0.2,)]) == [read(0.1), (read(0.2),)]

# Proxies: items and attributes read through a proxy.
proxy = device("[1.1, {'k': 2.2}]", proxy=True)
assert proxy[0] == read(1.1) and proxy[1]["k"] == read(2.2), (proxy[0], proxy[1]["k"])


# Generators: each value.
@device.task
def ramp(n):
    for i in range(n):
        yield i / 10


assert list(ramp(4)) == [read(i / 10) for i in range(4)]

# return_time: the value beside the time.
value, when = device("0.1 * 3", return_time=True)
assert value == read(0.1 * 3), value

# Events (the board's repr) and host functions (arguments: the board's repr; the answer: a
# value the board can hold).
seen = []
arrived = threading.Event()


@device.on("reading")
def on_reading(value, when):
    seen.append(value)
    arrived.set()


asked = []


@device.host
def scale(x, factor=1.0):
    asked.append((x, factor))
    return x * 10


@device.task
def measure():
    belay_emit("reading", 0.1 * 3)
    return scale(0.1 * 3, factor=2.2)


answer = measure()
assert arrived.wait(5), "the event did not arrive"
# Read at the board's precision (MicroPython 1.28's repr of a double is exact).
event = read(0.1 * 3)
assert seen == [event], seen
assert asked == [(event, read(2.2))], asked
# The host computed event * 10 and sent it at the board's precision; it came back exactly.
assert answer == read(event * 10), answer

device.close()
print("floats ok", kind)
