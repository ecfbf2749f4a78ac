# `sys` as CircuitPython 10.3 reports itself (the rest is the unix port's own sys).
from sys import *
import sys as _real

# Attributes the unix port's sys delegates (not copied by `import *`): the same objects.
for _name in ("path", "argv", "modules", "stdin", "stdout", "stderr", "platform", "maxsize", "byteorder"):
    if hasattr(_real, _name):
        globals()[_name] = getattr(_real, _name)
del _name

version = "3.4.0; CircuitPython 10.3.0 on 2026-11-23"


class _Implementation:
    name = "circuitpython"
    version = (10, 3, 0, "")
    _machine = "linux [GCC 12.2.0] version"
    # The same VM: .mpy files for the unix port load here (2822: mpy 6.3, x64, as recorded).
    _mpy = _real.implementation._mpy

    def __repr__(self):
        return "(name='circuitpython', version=(10, 3, 0, ''), _machine=%r, _mpy=%d)" % (self._machine, self._mpy)


implementation = _Implementation()
