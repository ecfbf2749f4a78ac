# CircuitPython's `time`: no ticks_ms/ticks_diff/sleep_ms (those are MicroPython's); the board
# clock for hosts is supervisor.ticks_ms.
import time as _t

sleep = _t.sleep
time = _t.time
localtime = _t.localtime
mktime = _t.mktime


def monotonic():
    return _t.ticks_ms() / 1000


def monotonic_ns():
    return _t.time_ns()
