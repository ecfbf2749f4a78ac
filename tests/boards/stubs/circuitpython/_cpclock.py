# The board's clock for the CircuitPython personality: milliseconds since power-on, which go on
# across soft reboots (each reboot is a new process). board.py writes _cp_clock.txt: the power-on
# instant in the unix port's ticks_ms() (CLOCK_MONOTONIC) and supervisor.ticks_ms() at that
# instant (CircuitPython starts 65 536 ms before its 2**29 wrap).
import time as _t

try:
    with open("_cp_clock.txt") as _f:
        _POWER_ON, TICKS_START = [int(_v) for _v in _f.read().split()]
except OSError:
    _POWER_ON, TICKS_START = _t.ticks_ms(), (1 << 29) - 65536


def ms():
    return _t.ticks_diff(_t.ticks_ms(), _POWER_ON)
