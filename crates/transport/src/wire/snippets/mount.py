# A host folder mounted on the board (docs/protocol.md §7): a VFS whose every operation asks the
# host (host function _Bfs, through _Bh, answered while a call or a `belay-run mount` terminal
# runs). Defined with the first mount; needs the events helper.
# errno is imported now: importing it while a mount is there would ask the mount, recursively.
import errno, io
# One operation on the folder mounted at `at`: the host answers [0, value] or [name, number] for
# an error ('ENOENT', 2): raised with this board's own number for the name where it has one.
def _BJ(at, *a):
    r = _Bh('_Bfs', (at,) + a, {})
    if r[0]:
        raise OSError(getattr(errno, r[0], r[1]))
    return r[1]
# An open file: read, readinto, readline, write, seek, tell, close; text files decode as UTF-8.
# `import` reads through readinto in small pieces: it is served from a read-ahead of 4 KiB (`b`),
# given back to the host (a relative seek) before any other operation.
class _BW(io.IOBase):
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
            d = _BJ(s.at, 'read', s.fd, 4096 if n < 0 else min(n, 4096))
            if not d:
                break
            out.append(d)
            if n > 0:
                n -= len(d)
        d = b''.join(out)
        return d.decode() if s.text else d
    def readinto(s, b):
        if not s.b:
            s.b = _BJ(s.at, 'read', s.fd, max(len(b), 4096))
        n = min(len(b), len(s.b))
        b[:n] = s.b[:n]
        s.b = s.b[n:]
        return n
    def readline(s):
        s._sync()
        d = _BJ(s.at, 'readline', s.fd)
        return d.decode() if s.text else d
    def write(s, b):
        s._sync()
        return _BJ(s.at, 'write', s.fd, b.encode() if s.text else bytes(b))
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
    import os
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
