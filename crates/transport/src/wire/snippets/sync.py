# os is bound as a default argument, not a global: user code may rebind the global name os.
# Delete what is below d except keep, printing each deleted path's repr on a line of its own
# (nothing is kept in memory); with dry, delete nothing, print what would go. True when d is
# left empty.
def _BD(d, keep, dry, os=__import__('os')):
    empty = True
    for e in _BL(d):
        p = (d if d != '/' else '') + '/' + e[0]
        if p in keep:
            empty = False
            continue
        if e[1] & 0x4000:
            if not _BD(p, keep, dry):
                empty = False
                continue
            try:
                if not dry:
                    os.rmdir(p)
            except OSError:
                empty = False
                continue
        elif not dry:
            os.remove(p)
        print(repr(p))
    return empty
def _BS(dst, keep, dirs, files, dry, os=__import__('os')):
    if keep is not None:
        try:
            os.stat(dst)
        except OSError:
            keep = None
    if keep is not None:
        _BD(dst, keep, dry)
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
