# Immutable values as results; anything else stays on the board as _Bo_<n> and P<n> is printed
# (defined when first needed).
_Bc = 0
def _Bp(v):
    if v is None or isinstance(v, (int, float, str, bool, bytes)):
        _Br(v)
        return
    global _Bc
    n = _Bc
    _Bc = n + 1
    globals()['_Bo_' + str(n)] = v
    print('@MARKER@P', n, sep='', end='')
