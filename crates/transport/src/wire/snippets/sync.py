def __belay_del(d, keep):
    for e in __belay_ls(d):
        p = (d if d != '/' else '') + '/' + e[0]
        if p in keep:
            continue
        if e[1] & 0x4000:
            __belay_del(p, keep)
            try:
                os.rmdir(p)
            except OSError:
                pass
        else:
            os.remove(p)
def __belay_sync(dst, keep, dirs, files):
    if keep is not None:
        try:
            os.stat(dst)
        except OSError:
            keep = None
    if keep is not None:
        __belay_del(dst, keep)
    for d in dirs:
        try:
            os.mkdir(d)
        except OSError:
            pass
    b = bytearray(1024)
    return [__belay_hf(f, b) for f in files]
def __belay_put(p, m, d):
    f = open(p, m)
    try:
        f.write(d)
    finally:
        f.close()
def __belay_hf(fn, buf):
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
            h = __belay_fnv(buf, n, h)
    finally:
        f.close()
    return h & 0xffffffff
