# One step of a board generator: its next value, or S when it is exhausted (defined when first
# needed).
def _Bn(g, v, t0=None):
    try:
        r = g.send(v)
    except StopIteration:
        print('@MARKER@S', end='')
        return
    if t0 is None:
        _Br(r)
    else:
        _Bt(t0, r)
