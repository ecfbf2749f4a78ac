# CircuitPython's `supervisor`: ticks_ms() counts milliseconds masked to 29 bits (wrapping), from
# the board's power-on clock (_cpclock). reload() soft-reboots the board: like CircuitPython's
# ReloadException it ends the running code, then the board process exits (board.py restarts it).
import sys as _sys

import _cpclock

_TICKS_MAX = (1 << 29) - 1


def ticks_ms():
    return (_cpclock.TICKS_START + _cpclock.ms()) & _TICKS_MAX


def reload():
    _sys.exit(75)  # SystemExit ends the unix port's REPL, with `\x04\x04` in the raw REPL


class Runtime:
    serial_connected = True
    usb_connected = True
    serial_bytes_available = False
    autoreload = True


runtime = Runtime()
