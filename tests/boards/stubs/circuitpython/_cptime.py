# CircuitPython's `time`: no ticks_ms/ticks_diff/sleep_ms (those are MicroPython's; the board clock
# for hosts is supervisor.ticks_ms); monotonic() counts from power-on; time() is an int;
# localtime() gives a struct_time.
import time as _t
from collections import namedtuple as _namedtuple

import _cpclock

struct_time = _namedtuple(
    "struct_time", ("tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst")
)
sleep = _t.sleep


def time():
    return int(_t.time())


def monotonic():
    return _cpclock.ms() / 1000


def monotonic_ns():
    return _cpclock.ms() * 1000000


def localtime(secs=None):
    t = _t.localtime(time() if secs is None else int(secs))
    return struct_time(*(tuple(t[:8]) + (-1,)))


def mktime(t):
    return int(_t.mktime(tuple(t)[:8]))
