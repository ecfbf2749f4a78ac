def _BF(d, n, h):
    for i in range(n):
        h = ((h ^ d[i]) * 0x01000193) & 0xffffffff
    return h
