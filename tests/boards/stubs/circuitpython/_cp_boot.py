# Run first by the unix port in CircuitPython personality (board.py unix --circuitpython): the
# modules a host sees become CircuitPython's, then this file's own names are removed.
import sys
import _cpreal
import _cpclock  # these take the real time, os and sys before they are replaced
import supervisor
import _cpsys
import _cptime
import _cpos
import _cphide

sys.modules["sys"] = _cpsys
sys.modules["time"] = _cptime
sys.modules["os"] = _cpos
del sys, _cpreal, _cpclock, supervisor, _cpsys, _cptime, _cpos, _cphide
del __file__
