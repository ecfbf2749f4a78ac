# The base64 codecs, int arrays and packed results, defined with the first command that sends
# long bytes or int lists (or after a long bytes result); prints
# (has_base64, has_int_arrays, has_deflate).
# Codecs that are missing or written in Python (slower than repr()) stay None.
try:
    import binascii
    if hasattr(binascii,'__file__'):raise ImportError
    from binascii import a2b_base64 as _Ba,b2a_base64 as _Bb
except ImportError:_Ba=_Bb=None
try:from array import array as _By
except ImportError:_By=None
# The packed form of a result for _Br (None: it has none): long bytes as base64 (B, A for a
# bytearray) unless their first 96 bytes show mostly text (a literal is shorter then), long lists
# of ints packed (I or D, by _BI, defined with the host's own packed lists). Long bytes are written
# here after h (the marker), 768 bytes (1 KiB of base64) at a time, and 1 is returned: no copy of
# the whole value is made, so a result as large as the free heap still goes (docs/protocol.md §5).
def _BX(v,h):
    t=type(v)
    if _Bb and(t is bytes or t is bytearray)and len(v)>48 and len(repr(bytes(v[:96])))>131:
        _Bz(h+'BA'[t is bytearray]);m=memoryview(v)
        for i in range(0,len(v),768):_Bz(_Bb(m[i:i+768]).decode().strip())
        return 1
    if t is list and len(v)>31 and'_BI'in globals():return _BI(v)
# MicroPython's deflate module (1.21 and later), for compressed data from the host.
try:__import__('deflate');_BK=1
except ImportError:_BK=0
_Br((_Ba!=None,_By!=None!=_Ba,_BK==1))
