# A host folder mounted on the board (docs/protocol.md §7): a VFS whose every operation asks the
# host (host function _Bfs, through _Bh, answered while a call or a `belay-run mount` terminal
# runs). Defined with the first mount; needs the events helper.
# errno is imported now (importing it while a mount is there would ask the mount, recursively),
# and bound as a default: user code may rebind the global names errno, io, os and sys.
# One operation on the folder mounted at `at`: the host answers [0, value] or [name, number] for
# an error ('ENOENT', 2): raised with this board's own number for the name where it has one.
def _BJ(at, *a, e=__import__('errno')):
    r = _Bh('_Bfs', (at,) + a, {})
    if r[0]:
        raise OSError(getattr(e, r[0], r[1]))
    return r[1]
# An open file: read, readinto, readline, write, seek, tell, close; text files decode as UTF-8.
# Data moves in pieces of at most 1 KiB each way (a piece's answer line is ~4 KiB of bytes
# literal), so a small board's heap never holds more than a piece beyond the caller's own buffer.
# `import` reads through readinto in small pieces: it is served from a read-ahead of one piece
# (`b`), given back to the host (a relative seek) before any other operation.
class _BW(__import__('io').IOBase):
    def __init__(s, at, fd, text):
        s.at = at
        s.fd = fd
        s.text = text
        s.b = b''
    def _sync(s):
        if s.b:
            _BJ(s.at, 'seek', s.fd, -len(s.b), 1)
            s.b = b''
    def read(s, n=-1):
        s._sync()
        out = []
        while n:
            d = _BJ(s.at, 'read', s.fd, 1024 if n < 0 else min(n, 1024))
            if not d:
                break
            out.append(d)
            if n > 0:
                n -= len(d)
        d = b''.join(out)
        return d.decode() if s.text else d
    def readinto(s, b):
        n = 0
        while n < len(b):
            if not s.b:
                s.b = _BJ(s.at, 'read', s.fd, 1024)
                if not s.b:
                    break
            k = min(len(b) - n, len(s.b))
            b[n:n + k] = s.b[:k]
            s.b = s.b[k:]
            n += k
        return n
    def readline(s):
        s._sync()
        out = []
        while True:
            d = _BJ(s.at, 'readline', s.fd)
            out.append(d)
            if len(d) < 1024 or d[-1:] == b'\n':
                break
        d = b''.join(out)
        return d.decode() if s.text else d
    def write(s, b):
        s._sync()
        n = 0
        if s.text:
            for i in range(0, len(b), 256):
                _BJ(s.at, 'write', s.fd, b[i:i + 256].encode())
            return len(b)
        m = memoryview(b)
        for i in range(0, len(m), 1024):
            n += _BJ(s.at, 'write', s.fd, bytes(m[i:i + 1024]))
        return n
    def seek(s, o, w=0):
        s._sync()
        return _BJ(s.at, 'seek', s.fd, o, w)
    def tell(s):
        s._sync()
        return _BJ(s.at, 'seek', s.fd, 0, 1)
    def flush(s):
        pass
    def close(s):
        if s.fd is not None:
            _BJ(s.at, 'close', s.fd)
            s.fd = None
    def ioctl(s, r, a):
        if r == 4:
            s.close()
        return 0
    def __enter__(s):
        return s
    def __exit__(s, *a):
        s.close()
    def __iter__(s):
        return s
    def __next__(s):
        line = s.readline()
        if not line:
            raise StopIteration
        return line
class _BV:
    def __init__(s, at):
        s.at = at
        s.cwd = '/'
    def mount(s, ro, mkfs):
        pass
    def umount(s):
        pass
    def chdir(s, p):
        if _BJ(s.at, 'stat', p)[0] & 0x4000 == 0:
            raise OSError(20)
        s.cwd = p
    def getcwd(s):
        return s.cwd
    def stat(s, p):
        return tuple(_BJ(s.at, 'stat', p))
    def statvfs(s, p):
        return tuple(_BJ(s.at, 'statvfs', p))
    def ilistdir(s, p):
        return iter([(n, t, 0, z) for n, t, z in _BJ(s.at, 'listdir', p)])
    def open(s, p, m):
        return _BW(s.at, _BJ(s.at, 'open', p, m), 'b' not in m)
    def remove(s, p):
        _BJ(s.at, 'remove', p)
    def rename(s, a, b):
        _BJ(s.at, 'rename', a, b)
    def mkdir(s, p):
        _BJ(s.at, 'mkdir', p)
    def rmdir(s, p):
        _BJ(s.at, 'rmdir', p)
# Mount (on) or unmount the folder at `at`, as mpremote does: the working directory and the
# front of sys.path are the mount's while it is there.
def _BB(at, on):
    import os, sys
    try:
        import vfs as m
    except ImportError:
        m = os
    if on:
        m.mount(_BV(at), at)
        os.chdir(at)
        sys.path.insert(0, at)
    else:
        if os.getcwd().startswith(at):
            os.chdir('/')
        while at in sys.path:
            sys.path.remove(at)
        m.umount(at)
