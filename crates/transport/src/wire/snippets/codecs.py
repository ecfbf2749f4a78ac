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
# of ints packed (I or D, by _BI, defined with the host's own packed lists).
def _BX(v):
    t=type(v)
    if _Bb and(t is bytes or t is bytearray)and len(v)>48 and len(repr(bytes(v[:96])))>131:return'BA'[t is bytearray]+_Bb(v).decode().strip()
    if t is list and len(v)>31 and'_BI'in globals():return _BI(v)
# MicroPython's deflate module (1.21 and later), for compressed data from the host.
try:__import__('deflate');_BK=1
except ImportError:_BK=0
_Br((_Ba!=None,_By!=None!=_Ba,_BK==1))
