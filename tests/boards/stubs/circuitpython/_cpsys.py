# `sys` as CircuitPython 10.3 reports itself (the rest is the unix port's own sys).
from sys import *
import sys as _real

# Attributes the unix port's sys delegates (not copied by `import *`): the same objects.
for _name in ("path", "argv", "modules", "stdin", "stdout", "stderr", "platform", "version", "maxsize", "byteorder"):
    if hasattr(_real, _name):
        globals()[_name] = getattr(_real, _name)
del _name


class _Implementation:
    name = "circuitpython"
    version = (10, 3, 0, "")
    _mpy = _real.implementation._mpy

    def __repr__(self):
        return "(name='circuitpython', version=(10, 3, 0, ''), _mpy=%d)" % self._mpy


implementation = _Implementation()
