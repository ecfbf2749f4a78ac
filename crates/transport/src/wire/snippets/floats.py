# Exact floats in results (defined when a result first needs them). repr() is not exact on
# MicroPython (at most 16 digits, not always rounded right): 17 digits computed with integers,
# which read back as the same double.
try:
    from math import frexp as _Bx, log10 as _Bk
except ImportError:
    _Bx = None
def _Bf(v):
    # nan, inf, -inf, 0.0, -0.0
    if v - v != 0 or v == 0:
        return repr(v)
    if -9007199254740992 < v < 9007199254740992 and v == int(v):
        return str(int(v)) + '.0'
    if not _Bx:
        return repr(v)
    try:
        f, e = _Bx(abs(v))
        n, d = int(f * 9007199254740992), 1
        e -= 53
        if e > 0:
            n <<= e
        else:
            d <<= -e
        k = int(_Bk(abs(v))) - 18
        while True:
            q = (2 * n + d * 10 ** k) // (2 * d * 10 ** k) if k >= 0 else (2 * n * 10 ** -k + d) // (2 * d)
            if q < 100000000000000000:
                break
            k += 1
        while q % 10 == 0:
            q //= 10
            k += 1
        return ('-' if v < 0 else '') + str(q) + 'e' + str(k)
    except (OverflowError, MemoryError):
        return repr(v)
# Whether a repr may hold a float: a digit before '.' or 'e', or inf/nan.
def _Bu(r):
    for c in '.e':
        i = r.find(c)
        while i > 0:
            if '/' < r[i - 1] < ':':
                return 1
            i = r.find(c, i + 1)
    return 'inf' in r or 'nan' in r
# Write v like repr() does, but with exact floats. Iterative (a board's C stack is small) and
# printed in small pieces (no second copy of a large result in the board's heap).
def _Bw(v):
    st, out, x = [], [], v
    while True:
        t = type(x)
        if t is float:
            out.append(_Bf(x))
        elif (t is list or t is tuple or t is set or t is dict) and x:
            out.append('[' if t is list else '(' if t is tuple else '{')
            st.append([iter(x.items() if t is dict else x), ',', ']' if t is list else '}' if t is not tuple else ',)' if len(x) == 1 else ')', True, t is dict])
        else:
            out.append(repr(x))
        if len(out) > 64:
            print(''.join(out), end='')
            out = []
        while st:
            e = st[-1]
            try:
                x = next(e[0])
            except StopIteration:
                out.append(e[2])
                st.pop()
                continue
            if not e[3]:
                out.append(e[1])
            e[3] = False
            if e[4]:
                st.append([iter(x), ':', '', False, False])
                x = next(st[-1][0])
            break
        else:
            print(''.join(out), end='')
            return
