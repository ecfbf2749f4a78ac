import os, sys, time
try:
    import binascii
    if hasattr(binascii, '__file__'):
        raise ImportError  # a module written in Python: slower than repr()
    from binascii import a2b_base64 as __belay_a2b, b2a_base64 as __belay_b2a
    if __belay_a2b(b'YmVsYXk=') != b'belay' or __belay_b2a(b'belay').strip() != b'YmVsYXk=':
        raise ImportError
except ImportError:
    __belay_a2b = __belay_b2a = None
try:
    from array import array as __belay_array
    if not __belay_a2b or __belay_array('h', b'\x01\x00')[0] != 1:
        raise ImportError
    def __belay_il(t, b):
        return list(__belay_array(t, __belay_a2b(b)))
except ImportError:
    __belay_il = None
def __belay_r(v, p=''):
    t = type(v)
    if __belay_b2a and (t is bytes or t is bytearray) and len(v) > 48:
        print('@MARKER@', p, 'B' if t is bytes else 'A', __belay_b2a(v).decode().strip(), sep='', end='')
    else:
        print('@MARKER@', p, repr(v), sep='', end='')
def __belay_rt(t0, v):
    t1 = __belay_monotonic()
    __belay_r(v, 'T%d|' % __belay_ticks_add(t0, __belay_ticks_diff(t1, t0) >> 1))
def __belay_n(g, v, t0=None):
    try:
        r = g.send(v)
    except StopIteration:
        print('@MARKER@S', end='')
        return
    if t0 is None:
        __belay_r(r)
    else:
        __belay_rt(t0, r)
__belay_obj_counter = 0
def __belay_p(v):
    if v is None or isinstance(v, (int, float, str, bool, bytes)):
        __belay_r(v)
        return
    global __belay_obj_counter
    n = __belay_obj_counter
    __belay_obj_counter = n + 1
    globals()['__belay_obj_' + str(n)] = v
    print('@MARKER@P', n, sep='', end='')
__belay_r((sys.implementation.name, sys.implementation.version, sys.platform, getattr(sys.implementation, '_mpy', None), __belay_a2b is not None, __belay_il is not None))
