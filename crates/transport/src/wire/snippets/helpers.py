# The helpers every connection defines first, written tight: every byte costs wire time (87 us at
# 115200 baud). Comment lines are dropped and indentation narrowed before sending (compact).
# @MARKER@ is this connection's result marker. The last line prints
# (name, version, platform, _mpy, ticks_max, float_bits); ticks_max is 0 when the board has no
# time.ticks_ms; float_bits is the floats' significant bits (53 for doubles, 24 for 32-bit
# floats, 22 for the 30-bit floats of ESP8266 builds): the first power of two to which adding 1
# changes nothing. _Bz writes to stdout. The base64 codecs and int arrays (codecs.py) and the timed
# result (timed.py) come later, with the first command that has use for them.
import sys,time
_Bz=sys.stdout.write
# The board clock in ticks, and arithmetic that wraps as the ticks do. Without time.ticks_ms
# (CircuitPython), _Bm is 0 here and the host defines the clock next (supervisor_clock.py).
try:_Bm,_Bs,_Bd=time.ticks_ms,time.ticks_add,time.ticks_diff
except AttributeError:_Bm=0
# The result: marker, then the value, or its packed form (_BX, defined with the codecs; it writes
# long bytes itself, in pieces, and returns 1).
# repr() of a float is not exact on MicroPython: until the host defined the float helpers, a
# float, or a container whose repr may hold one ('.' or 'e'), is kept in _Bv; a host that reads a
# float in the result asks for _Bv again, exactly. Once they are defined (_Bw, _Bu), such values
# are written exactly at once.
def _Br(v,p=''):
    r='_BX'in globals()and _BX(v,'@MARKER@'+p)
    if r==1:return
    if not r:
        r=repr(v);t=type(v)
        if t is float or t in(list,tuple,dict,set)and('.'in r or'e'in r):
            if'_Bw'not in globals():global _Bv;_Bv=v
            elif _Bu(r):_Bz('@MARKER@'+p);return _Bw(v)
    _Bz('@MARKER@'+p+r)
_Bq=sys.implementation
_Br((_Bq.name,_Bq.version,sys.platform,getattr(_Bq,'_mpy',None),_Bm and _Bs(0,-1),next(p for p in range(99)if 2**p/1+1==2**p/1)))
