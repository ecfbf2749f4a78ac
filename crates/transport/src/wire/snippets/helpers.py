# The helpers every connection defines first, written tight: every byte costs wire time (87 us at
# 115200 baud). Comment lines are dropped and indentation narrowed before sending (compact).
# @MARKER@ is this connection's result marker. The last line prints
# (name, version, platform, _mpy, has_base64, has_int_arrays, ticks_max). _Bz writes to stdout.
import sys,time
_Bz=sys.stdout.write
# Base64 codecs, unless missing or written in Python (slower than repr()).
try:
    import binascii
    if hasattr(binascii,'__file__'):raise ImportError
    from binascii import a2b_base64 as _Ba,b2a_base64 as _Bb
except ImportError:_Ba=_Bb=None
try:from array import array as _By
except ImportError:_By=None
# The board clock in ticks, and arithmetic that wraps as the ticks do (CircuitPython: 29 bits).
try:_Bm,_Bs,_Bd=time.ticks_ms,time.ticks_add,time.ticks_diff
except AttributeError:
    import supervisor;_Bm=supervisor.ticks_ms
    _Bs=lambda t,d:(t+d)&0x1fffffff
    _Bd=lambda a,b:((a-b+0x10000000)&0x1fffffff)-0x10000000
# The result: marker, then the value. Long bytes go as base64 (B, A for a bytearray); long lists
# of ints packed (I, by _BI, defined with the host's own packed lists). Floats are written
# exactly, by _Bw: until the host defined it, such a value waits in _Bv and the host is told (F).
def _Br(v,p=''):
    t=type(v)
    if _Bb and(t is bytes or t is bytearray)and len(v)>48:return _Bz('@MARKER@'+p+'BA'[t is bytearray]+_Bb(v).decode().strip())
    if t is list and len(v)>31 and'_BI'in globals():
        r=_BI(v)
        if r:return _Bz('@MARKER@'+p+r)
    r=repr(v)
    if t is float or t in(list,tuple,dict,set)and _Bu(r):
        if'_Bw'in globals():_Bz('@MARKER@'+p);return _Bw(v)
        global _Bv;_Bv=v;r='F'
    _Bz('@MARKER@'+p+r)
# Whether a repr may hold a float: a digit before '.' or 'e', or inf/nan.
def _Bu(r):
    for c in'.e':
        i=r.find(c)
        while i>0:
            if'/'<r[i-1]<':':return 1
            i=r.find(c,i+1)
    return'inf'in r or'nan'in r
def _Bt(t0,v):_Br(v,'T%d|'%_Bs(t0,_Bd(_Bm(),t0)>>1))
_Bq=sys.implementation
_Br((_Bq.name,_Bq.version,sys.platform,getattr(_Bq,'_mpy',None),_Ba!=None,_By!=None!=_Ba,_Bs(0,-1)))
