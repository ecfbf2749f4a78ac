@micropython.viper
def _BF(d, n: int, h: uint) -> uint:
    p = ptr8(d)
    for i in range(n):
        h = (h ^ uint(p[i])) * uint(0x01000193)
    return h
