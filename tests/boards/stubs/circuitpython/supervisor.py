# CircuitPython's supervisor.ticks_ms(): milliseconds masked to 29 bits. It starts shortly before
# the wrap, as on CircuitPython (about 65 s after power-on the value wraps to 0); the test board
# sets the start with --cp-ticks-start (written to _cp_ticks_start.txt).
import time as _t

_TICKS_MAX = (1 << 29) - 1
try:
    with open("_cp_ticks_start.txt") as _f:
        _START = int(_f.read())
except OSError:
    _START = (1 << 29) - 65536
_BASE = _t.ticks_ms()


def ticks_ms():
    return (_START + _t.ticks_diff(_t.ticks_ms(), _BASE)) & _TICKS_MAX


runtime = None
