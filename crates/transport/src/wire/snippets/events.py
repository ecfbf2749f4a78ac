# Board -> host events and host functions (docs/protocol.md §6), defined when a command first
# names belay_emit, or when the host registers a callback or a host function. Each frame is
# @MARKER@ \x1d payload \x1f, written in one piece; where the board has threads a lock keeps one
# writer at a time, and whoever holds it also writes what others queued meanwhile.
try:
    import _thread
    _BG = _thread.allocate_lock()
except ImportError:
    _BG = None
# The queue (at most 64 frames) and the count of events dropped because it was full.
_BQ = []
_BN = [0]
def belay_emit(name, value=None):
    if len(_BQ) < 64:
        _BQ.append('E' + repr((name, value, _Bm() if _Bm else None)))
    else:
        _BN[0] += 1
    _BE()
def _BE():
    while (_BQ or _BN[0]) and (not _BG or _BG.acquire(0)):
        try:
            while _BQ:
                _Bz('@MARKER@\x1d' + _BQ.pop(0) + '\x1f')
            n = _BN[0]
            if n:
                _BN[0] -= n
                _Bz('@MARKER@\x1dL%d\x1f' % n)
        finally:
            if _BG:
                _BG.release()
# A host function: ask, then read the host's one-line answer from the console. sys is imported
# here: the user's code may have rebound the global name.
def _Bh(n, a, k):
    import sys
    _BE()
    _Bz('@MARKER@\x1dH' + repr((n, a, k)) + '\x1f')
    r = eval(sys.stdin.readline())
    if r[0]:
        raise RuntimeError(r[1])
    return r[1]
