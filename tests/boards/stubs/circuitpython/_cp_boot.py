# Run first by the unix port in CircuitPython personality (board.py unix --circuitpython): the
# modules a host sees become CircuitPython's, then this file's own names are removed.
import sys
import supervisor  # takes the real time module before it is replaced
import _cpsys
import _cptime
import _cpos

sys.modules["sys"] = _cpsys
sys.modules["time"] = _cptime
sys.modules["os"] = _cpos
del sys, supervisor, _cpsys, _cptime, _cpos
del __file__
