import os
def _BD(d, keep):
    for e in _BL(d):
        p = (d if d != '/' else '') + '/' + e[0]
        if p in keep:
            continue
        if e[1] & 0x4000:
            _BD(p, keep)
            try:
                os.rmdir(p)
            except OSError:
                pass
        else:
            os.remove(p)
def _BS(dst, keep, dirs, files):
    if keep is not None:
        try:
            os.stat(dst)
        except OSError:
            keep = None
    if keep is not None:
        _BD(dst, keep)
    for d in dirs:
        try:
            os.mkdir(d)
        except OSError:
            pass
    b = bytearray(1024)
    return [_BH(f, b) for f in files]
def _BP(p, m, d):
    f = open(p, m)
    try:
        f.write(d)
    finally:
        f.close()
def _BH(fn, buf):
    try:
        f = open(fn, 'rb')
    except OSError:
        return 0
    h = 0x811c9dc5
    try:
        while True:
            n = f.readinto(buf)
            if not n:
                break
            h = _BF(buf, n, h)
    finally:
        f.close()
    return h & 0xffffffff
