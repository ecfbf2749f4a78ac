# Host folders mounted on a board (README "Mounting a host folder"; docs/protocol.md §7), run as
# `belay._mount` when a device first mounts one. The board's VFS (`_BV`) asks the host function
# `_Bfs(at, op, *args)` for every operation; it answers [0, value] or, for an error, its errno
# name and the host's number (["ENOENT", 2]: the board raises OSError with its own number for the
# name when it knows the name). Nothing
# outside the mounted folder is reachable: `..` is refused, and a path whose real location (after
# symlinks) leaves the folder is refused too.
import errno
import os

S_IFDIR = 0x4000
S_IFREG = 0x8000
# The most bytes one read or readline answers (the board asks again for more): the board's own
# pieces are 1 KiB (its snippet, wire/snippets/mount.py), and a small board's heap must hold the
# answer line (~4 bytes of literal a byte).
CHUNK = 1024


class Server:
    def __init__(self, folder, readonly):
        root = os.path.realpath(folder)
        if not os.path.isdir(root):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", folder)
        self.root = root
        self.readonly = readonly
        self.files = {}
        self.next_fd = 1

    def __call__(self, op, *args):
        try:
            handler = getattr(self, "op_" + op)
        except AttributeError:
            return ["EINVAL", errno.EINVAL]
        try:
            return [0, handler(*args)]
        except OSError as e:
            code = e.errno or errno.EIO
            return [errno.errorcode.get(code, "EIO"), code]
        except (KeyError, ValueError):
            return ["EBADF", errno.EBADF]

    def local(self, path):
        """The host path of board path `path` (relative to the mount point)."""
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if ".." in parts:
            raise PermissionError(errno.EACCES, "outside the mounted folder", path)
        real = os.path.realpath(os.path.join(self.root, *parts))
        if real != self.root and not real.startswith(self.root + os.sep):
            raise PermissionError(errno.EACCES, "outside the mounted folder", path)
        return real

    def writable(self):
        if self.readonly:
            raise OSError(errno.EROFS, "read-only mount")

    def op_stat(self, path):
        st = os.stat(self.local(path))
        kind = S_IFDIR if os.path.isdir(self.local(path)) else S_IFREG
        return (kind, 0, 0, 0, 0, 0, st.st_size, int(st.st_atime), int(st.st_mtime), int(st.st_ctime))

    def op_statvfs(self, path):
        try:
            st = os.statvfs(self.root)
            return (st.f_bsize, st.f_frsize, st.f_blocks, st.f_bfree, st.f_bavail, st.f_files,
                    st.f_ffree, st.f_favail, st.f_flag, st.f_namemax)
        except (AttributeError, OSError):
            return (4096, 4096, 0, 0, 0, 0, 0, 0, 0, 255)

    def op_listdir(self, path):
        folder = self.local(path)
        entries = []
        for name in sorted(os.listdir(folder)):
            try:
                full = self.local(path.rstrip("/") + "/" + name)
            except PermissionError:
                continue  # a symlink leaving the folder is not shown
            if os.path.isdir(full):
                entries.append((name, S_IFDIR, 0))
            elif os.path.exists(full):
                entries.append((name, S_IFREG, os.path.getsize(full)))
        return entries

    def op_open(self, path, mode):
        if any(c in mode for c in "wax+"):
            self.writable()
        host_mode = "".join(c for c in mode if c in "rwax+") or "r"
        f = open(self.local(path), host_mode + "b")
        fd = self.next_fd
        self.next_fd += 1
        self.files[fd] = f
        return fd

    def op_read(self, fd, n):
        return self.files[fd].read(min(n, CHUNK) if n >= 0 else CHUNK)

    def op_readline(self, fd):
        return self.files[fd].readline(CHUNK)

    def op_write(self, fd, data):
        self.writable()
        f = self.files[fd]
        n = f.write(data)
        # On the host file at once: board code that never closes its file loses nothing.
        f.flush()
        return n

    def op_seek(self, fd, offset, whence):
        return self.files[fd].seek(offset, whence)

    def op_close(self, fd):
        f = self.files.pop(fd, None)
        if f is not None:
            f.close()

    def op_remove(self, path):
        self.writable()
        os.remove(self.local(path))

    def op_rename(self, old, new):
        self.writable()
        os.rename(self.local(old), self.local(new))

    def op_mkdir(self, path):
        self.writable()
        os.mkdir(self.local(path))

    def op_rmdir(self, path):
        self.writable()
        os.rmdir(self.local(path))

    def close(self):
        for f in self.files.values():
            f.close()
        self.files.clear()


class Mounts:
    """A device's mounted folders by board mount point: the host function `_Bfs`."""

    def __init__(self):
        self.servers = {}

    def __call__(self, at, op, *args):
        server = self.servers.get(at)
        if server is None:
            return ["ENODEV", errno.ENODEV]
        return server(op, *args)


def _mount_point(at):
    if not isinstance(at, str) or not at.startswith("/") or at == "/" or at.endswith("/"):
        raise ValueError("a mount point is an absolute board path such as '/remote', got %r" % (at,))
    return at


def mount(device, link, folder, at="/remote", readonly=False):
    """`device.mount(folder, at="/remote", readonly=False)`: board code sees the host folder at
    `at` (while a call runs on the board), imports from it, and works in it."""
    at = _mount_point(at)
    if device.implementation.name == "circuitpython":
        # docs/protocol.md §7: no VFS for Python objects there.
        raise NotImplementedError(
            "CircuitPython cannot mount a host folder (its storage.mount takes only its own "
            "filesystems): copy the files with device.sync(folder) or `belay-run fs cp` instead")
    mounts = getattr(device, "_belay_mounts", None)
    if mounts is None:
        mounts = device._belay_mounts = Mounts()
        link.serve("_Bfs", mounts)
    if at in mounts.servers:
        raise ValueError("%s is already mounted" % at)
    mounts.servers[at] = Server(os.fspath(folder), bool(readonly))
    try:
        link.mount(at, True)
    except BaseException:
        mounts.servers.pop(at).close()
        raise


def unmount(device, link, at="/remote"):
    """`device.unmount(at="/remote")`."""
    at = _mount_point(at)
    mounts = getattr(device, "_belay_mounts", None)
    if mounts is None or at not in mounts.servers:
        raise ValueError("nothing is mounted at %s" % at)
    try:
        link.mount(at, False)
    finally:
        mounts.servers.pop(at).close()
