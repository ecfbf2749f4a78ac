# belay-run fs [PORT] COMMAND [ARGS]: a board's files, mpremote-style (ls, cat, cp, rm, mkdir,
# rmdir, touch, tree, df, sha256sum). sys.argv: port, password, then the command and its
# arguments. `_progress(kind, ...)` (a native function set by commands/fs.rs) drives the same
# progress bar as `belay-run sync`.
#
# The board side is a few small functions defined once (BOARD); every operation is one
# `device(...)` call of them. File data goes in chunks of CHUNK bytes: read as bytes results,
# written through a proxy call with a bytes argument (the belay module packs both as base64).
import argparse
import hashlib
import os
import stat
import sys

import belay

CHUNK = 4096

BOARD = """
import os
try:from hashlib import sha256 as _fsH
except ImportError:_fsH=None
def _fsT(f,*a):
 try:return f(*a)
 except OSError as e:return('!E',e.args[0])
def _fsJ(p,n):
 return p+n if p.endswith('/') else p+'/'+n
def _fsS(p):
 s=os.stat(p);return(s[0]&0x4000!=0,s[6])
def _fsL(p):
 r=[]
 if hasattr(os,'ilistdir'):
  for e in os.ilistdir(p):
   n=e[0];d=e[1]&0x4000!=0
   r.append((n,d,0 if d else e[3] if len(e)>3 and e[3]>=0 else os.stat(_fsJ(p,n))[6]))
 else:
  for n in os.listdir(p):
   d,s=_fsS(_fsJ(p,n));r.append((n,d,0 if d else s))
 return r
def _fsI(p):
 d,s=_fsS(p)
 return _fsL(p) if d else s
def _fsW(p):
 r=[];t=['']
 while t:
  q=t.pop()
  for n,d,s in _fsL(_fsJ(p,q) if q else p):
   n=q+'/'+n if q else n
   r.append((n,d,s))
   if d:t.append(n)
 return r
def _fsX(p):
 if _fsS(p)[0]:
  for n,d,s in _fsL(p):_fsX(_fsJ(p,n))
  os.rmdir(p)
 else:os.remove(p)
def _fsD(p):
 if not _fsS(p)[0]:raise OSError(_fsE[1])
 if os.listdir(p):raise OSError(_fsE[2])
 os.rmdir(p)
def _fsM(p):
 q='/' if p.startswith('/') else ''
 for n in p.split('/'):
  if n:
   q=_fsJ(q,n) if q else n
   try:d=_fsS(q)[0]
   except OSError:os.mkdir(q);d=1
   if not d:raise OSError(_fsE[1])
def _fsK(p):
 if _fsS(p)[0]:raise OSError(_fsE[0])
 if not _fsH:return None
 h=_fsH()
 with open(p,'rb') as f:
  while 1:
   b=f.read(1024)
   if not b:break
   h.update(b)
 return h.digest()
def _fsQ(l):
 r=[]
 for p,n in l:
  try:
   d,s=_fsS(p)
   r.append('d' if d else (s,_fsK(p) if s==n else None))
  except OSError:r.append(None)
 return r
def _fsO(p,m):
 global _fsF
 if m=='rb'and _fsS(p)[0]:raise OSError(_fsE[0])
 _fsF=open(p,m)
def _fsw(b):
 try:_fsF.write(b);return 0
 except OSError as e:return e.args[0]
def _fsC():
 try:_fsF.close()
 except OSError as e:return e.args[0]
def _fsZ(p):
 open(p,'ab').close()
_fsN=0
try:os.stat('/belay-fs-no-such-file-7Qz')
except OSError as e:_fsN=e.args[0]
_fsE=(31,54,55) if _fsN==44 else (21,20,39)
"""

# errno numbers as the board's filesystem raises them: MicroPython's own (Linux numbers) on
# bare-metal and unix ports, WASI's on the webassembly port (told apart by the number a missing
# file gives). The names are what coreutils prints.
MESSAGES = {
    "ENOENT": "no such file or directory",
    "EEXIST": "file exists",
    "ENOTDIR": "not a directory",
    "EISDIR": "is a directory",
    "ENOTEMPTY": "directory not empty",
    "ENOSPC": "no space left on device",
    "EROFS": "read-only file system",
    "EACCES": "permission denied",
    "EPERM": "operation not permitted",
    "EIO": "input/output error",
    "EINVAL": "invalid argument",
    "ENOMEM": "out of memory",
    "EFBIG": "file too large",
    "EMFILE": "too many open files",
    "ENAMETOOLONG": "file name too long",
    "EBUSY": "device or resource busy",
    "ENODEV": "no such device",
}
LINUX = {2: "ENOENT", 17: "EEXIST", 20: "ENOTDIR", 21: "EISDIR", 39: "ENOTEMPTY", 28: "ENOSPC",
         30: "EROFS", 13: "EACCES", 1: "EPERM", 5: "EIO", 22: "EINVAL", 12: "ENOMEM", 27: "EFBIG",
         24: "EMFILE", 36: "ENAMETOOLONG", 16: "EBUSY", 19: "ENODEV"}
WASI = {44: "ENOENT", 20: "EEXIST", 54: "ENOTDIR", 31: "EISDIR", 55: "ENOTEMPTY", 51: "ENOSPC",
        69: "EROFS", 2: "EACCES", 63: "EPERM", 29: "EIO", 28: "EINVAL", 48: "ENOMEM", 22: "EFBIG",
        33: "EMFILE", 37: "ENAMETOOLONG", 10: "EBUSY", 43: "ENODEV"}


class Failure(Exception):
    """One operation failed: the message after `fs: COMMAND: `."""


class BoardOSError(Exception):
    def __init__(self, number):
        super().__init__(number)
        self.number = number


class Board:
    def __init__(self, port, password):
        self.device = belay.Device(port, startup="", auto_sync_time=False,
                                   **({"password": password} if password else {}))
        self.device(BOARD)
        self.names = WASI if self.device("_fsN") == 44 else LINUX
        self.writer = None
        self.cwd = None

    def call(self, name, *args):
        """`name(*args)` on the board; an OSError there raises BoardOSError."""
        value = self.device("_fsT(%s%s)" % (name, "".join("," + repr(a) for a in args)))
        if isinstance(value, tuple) and len(value) == 2 and value[0] == "!E":
            raise BoardOSError(value[1])
        return value

    def message(self, number):
        name = self.names.get(number) if isinstance(number, int) else None
        return MESSAGES.get(name, "error %s" % (name or number))

    def path(self, text):
        """A board path from the command line: `:` dropped, empty means the current folder."""
        text = text[1:] if text.startswith(":") else text
        if not text:
            if self.cwd is None:
                self.cwd = self.device("os.getcwd()")
            return self.cwd
        while "//" in text:
            text = text.replace("//", "/")
        return text.rstrip("/") or "/"

    def chunks(self, path):
        """Board file `path`, chunk by chunk."""
        self.call("_fsO", path, "rb")
        try:
            while True:
                data = self.device("_fsF.read(%d)" % CHUNK)
                if not data:
                    return
                yield data
        finally:
            self.device("_fsC()")

    def write(self, path, chunks):
        """The chunks to board file `path`; a failed write removes the partial file."""
        if self.writer is None:
            self.writer = self.device.proxy("_fsw")
        self.call("_fsO", path, "wb")
        error = None
        for data in chunks:
            error = self.writer(data) or None
            if error:
                break
        error = self.device("_fsC()") or error
        if error:
            try:
                self.call("os.remove", path)
            except BoardOSError:
                pass
            raise BoardOSError(error)

    def sha256(self, path):
        digest = self.call("_fsK", path)
        if digest is None:
            h = hashlib.sha256()
            for data in self.chunks(path):
                h.update(data)
            digest = h.digest()
        return digest


def join(parent, name):
    return parent + name if parent.endswith("/") else parent + "/" + name


def base(path):
    return path.rstrip("/").rsplit("/", 1)[-1]


def human(n):
    size, unit = float(n), "B"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            break
        size /= 1024
    return "%d B" % n if unit == "B" else "%.2f %s" % (size, unit)


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


# ---- commands: each takes (board, args) and returns the number of failures ----------------------

def each(board, args, paths, one):
    """`one(board, path, shown)` for every board path; errors are printed and counted."""
    failures = 0
    for text in paths:
        path = board.path(text)
        try:
            one(path, ":" + path)
        except BoardOSError as e:
            say(args.command, ":%s: %s" % (path, board.message(e.number)))
            failures += 1
        except Failure as e:
            say(args.command, str(e))
            failures += 1
    return failures


def say(command, text):
    _progress("finish")  # the bar goes before the message, not over it
    sys.stdout.flush()
    print("fs: %s: %s" % (command, text), file=sys.stderr)


def ls(board, args):
    def one(path, shown):
        info = board.call("_fsI", path)
        if isinstance(info, int):
            rows = [(path, False, info)]
        elif args.recursive:
            rows = board.call("_fsW", path)
        else:
            rows = info
        for name, is_dir, size in sorted(rows):
            name += "/" if is_dir else ""
            if args.long:
                print("%s %10d  %s" % ("d" if is_dir else "-", size, name))
            else:
                print(name)
    return each(board, args, [args.path or ""], one)


def tree(board, args):
    def one(path, shown):
        if isinstance(board.call("_fsI", path), int):
            raise Failure("%s: not a directory" % shown)
        print(shown)
        children = {}
        for name, is_dir, _ in board.call("_fsW", path):
            parent, _, leaf = name.rpartition("/")
            children.setdefault(parent, []).append((leaf, is_dir))
        counts = [0, 0]

        def draw(folder, indent):
            entries = sorted(children.get(folder, []))
            for i, (leaf, is_dir) in enumerate(entries):
                last = i == len(entries) - 1
                print(indent + ("└── " if last else "├── ") + leaf)
                counts[0 if is_dir else 1] += 1
                if is_dir:
                    draw(folder + "/" + leaf if folder else leaf, indent + ("    " if last else "│   "))

        draw("", "")
        folders = "1 directory" if counts[0] == 1 else "%d directories" % counts[0]
        print("\n%s, %s" % (folders, plural(counts[1], "file")))
    return each(board, args, [args.path or ""], one)


def cat(board, args):
    out = sys.stdout.buffer
    def one(path, shown):
        for data in board.chunks(path):
            out.write(data)
        out.flush()
    return each(board, args, args.paths, one)


def rm(board, args):
    def one(path, shown):
        if args.recursive:
            board.call("_fsX", path)
            return
        is_dir, _ = board.call("_fsS", path)
        if is_dir:
            raise Failure("%s: is a directory (use -r)" % shown)
        board.call("os.remove", path)
    return each(board, args, args.paths, one)


def mkdir(board, args):
    return each(board, args, args.paths, lambda path, shown: board.call("os.mkdir", path))


def rmdir(board, args):
    return each(board, args, args.paths, lambda path, shown: board.call("_fsD", path))


def touch(board, args):
    return each(board, args, args.paths, lambda path, shown: board.call("_fsZ", path))


def df(board, args):
    print("%12s %12s %12s %5s  %s" % ("size", "used", "free", "use%", "path"))
    def one(path, shown):
        if not board.device("hasattr(os,'statvfs')"):
            raise Failure("the board has no os.statvfs")
        v = board.call("os.statvfs", path)
        size, free = v[1] * v[2], v[1] * v[4]
        used = v[1] * (v[2] - v[3])
        percent = 100 * used // size if size else 0
        print("%12d %12d %12d %4d%%  %s" % (size, used, free, percent, shown))
    return each(board, args, [args.path or ""], one)


def sha256sum(board, args):
    failures = 0
    for text in args.paths:
        path = board.path(text)
        try:
            print("%s  %s" % (board.sha256(path).hex(), text))
        except BoardOSError as e:
            say(args.command, ":%s: %s" % (path, board.message(e.number)))
            failures += 1
    return failures


# ---- cp -------------------------------------------------------------------------------------

def counted(chunks):
    for data in chunks:
        _progress("sent", len(data))
        yield data


def cp(board, args):
    *sources, target = args.paths
    to_board = target.startswith(":")
    if any(s.startswith(":") == to_board for s in sources):
        raise Failure("copies go between the host and the board: mark the board side with `:`, "
                      "on one side only (cp FILE :DEST or cp :FILE DEST)")
    side, other = (Remote(board), Local()) if to_board else (Local(), Remote(board))
    dest = side.path(target)
    kind = side.kind(dest)
    # (source file, destination file, size), and the destination folders to make first.
    files, folders = [], []
    if target.endswith("/") and kind != "d":
        if kind == "f":
            raise Failure("%s: not a directory" % side.show(dest))
        folders.append(dest)
        kind = "d"
    if len(sources) > 1 and kind != "d":
        raise Failure("%s: not a directory" % side.show(dest))
    for text in sources:
        src = other.path(text)
        src_kind = other.kind(src)
        if src_kind is None:
            raise Failure("%s: no such file or directory" % other.show(src))
        name = other.name(src)
        to = join(dest, name) if kind == "d" and name else dest
        if src_kind == "f":
            files.append((src, to, other.size(src)))
            continue
        if not args.recursive:
            raise Failure("%s: is a directory (use -r)" % other.show(src))
        folders.append(to)
        for rel, is_dir, size in other.walk(src):
            if is_dir:
                folders.append(join(to, rel))
            else:
                files.append((join(src, rel), join(to, rel), size))
    for folder in folders:
        if side.kind(folder) == "f":
            raise Failure("%s: not a directory" % side.show(folder))
    # A destination file whose size and SHA-256 match its source's is left alone.
    there = side.digests([(to, size) for _, to, size in files])
    for (_, to, _), digest in zip(files, there):
        if digest == "d":
            raise Failure("%s: is a directory" % side.show(to))
    check = [i for i, d in enumerate(there) if d is not None]
    here = other.digests([(files[i][0], files[i][2]) for i in check])
    same = {i for i, d in zip(check, here) if d == there[i]}
    send = [f for i, f in enumerate(files) if i not in same]
    side.make_folders(folders)
    _progress("total", len(send), sum(size for _, _, size in send))
    for src, to, size in send:
        _progress("file", side.show(to))
        side.put(to, counted(other.chunks(src)))
        _progress("done")
    _progress("finish")
    sent = sum(size for _, _, size in send)
    print("Complete: %s (%s) copied to %s%s." % (
        plural(len(send), "file"), human(sent), side.show(dest),
        "; %s unchanged (same SHA-256), skipped" % plural(len(same), "file") if same else ""))
    return 0


class Local:
    """The host's side of a copy."""

    def path(self, text):
        return text

    def show(self, path):
        return path

    def name(self, path):
        name = os.path.basename(os.path.abspath(path))
        return name if name not in ("", ".", "..") else ""

    def kind(self, path):
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        return "d" if stat.S_ISDIR(mode) else "f"

    def size(self, path):
        return os.stat(path).st_size

    def walk(self, top):
        for folder, dirs, names in os.walk(top):
            rel = os.path.relpath(folder, top)
            rel = "" if rel == "." else rel + "/"
            for d in sorted(dirs):
                yield rel + d, True, 0
            for n in sorted(names):
                yield rel + n, False, os.path.getsize(os.path.join(folder, n))

    def chunks(self, path):
        with open(path, "rb") as f:
            while True:
                data = f.read(CHUNK)
                if not data:
                    return
                yield data

    def digests(self, items):
        """Per (path, size): "d" for a folder, None when missing or of another size, else the
        SHA-256."""
        out = []
        for path, size in items:
            kind = self.kind(path)
            if kind != "f" or os.path.getsize(path) != size:
                out.append(kind if kind == "d" else None)
                continue
            h = hashlib.sha256()
            for data in self.chunks(path):
                h.update(data)
            out.append(h.digest())
        return out

    def make_folders(self, folders):
        for folder in folders:
            os.makedirs(folder, exist_ok=True)

    def put(self, path, chunks):
        with open(path, "wb") as f:
            for data in chunks:
                f.write(data)


class Remote:
    """The board's side of a copy."""

    def __init__(self, board):
        self.board = board

    def path(self, text):
        return self.board.path(text)

    def show(self, path):
        return ":" + path

    def name(self, path):
        return base(path)

    def kind(self, path):
        try:
            is_dir, _ = self.board.call("_fsS", path)
        except BoardOSError:
            return None
        return "d" if is_dir else "f"

    def size(self, path):
        return self.board.call("_fsS", path)[1]

    def walk(self, top):
        return sorted(self.board.call("_fsW", top))

    def chunks(self, path):
        return self.board.chunks(path)

    def digests(self, items):
        """As Local.digests, hashed on the board (read back to the host without hashlib)."""
        answers = self.board.call("_fsQ", items) if items else []
        out = []
        for (path, size), answer in zip(items, answers):
            if answer is None or answer == "d" or answer[0] != size:
                out.append(answer if answer == "d" else None)
            else:
                out.append(answer[1] if answer[1] is not None else self.board.sha256(path))
        return out

    def make_folders(self, folders):
        for folder in folders:
            try:
                self.board.call("_fsM", folder)
            except BoardOSError as e:
                raise Failure(":%s: %s" % (folder, self.board.message(e.number)))

    def put(self, path, chunks):
        try:
            self.board.write(path, chunks)
        except BoardOSError as e:
            raise Failure(":%s: %s" % (path, self.board.message(e.number)))


def main():
    port, password, words = sys.argv[1], sys.argv[2], sys.argv[3:]
    parser = argparse.ArgumentParser(
        prog="belay-run fs",
        description="A board's files. Board paths may start with `:` (cp needs it to tell the "
                    "board's side from the host's).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = commands.add_parser("ls", help="list a folder (default: the current one)")
    p.add_argument("-l", "--long", action="store_true", help="show type and size")
    p.add_argument("-r", "--recursive", action="store_true", help="list sub-folders too")
    p.add_argument("path", nargs="?", default="")
    commands.add_parser("cat", help="print files").add_argument("paths", nargs="+")
    p = commands.add_parser("cp", help="copy between the host and the board (:PATH is the board's)")
    p.add_argument("-r", "--recursive", action="store_true", help="copy folders")
    p.add_argument("paths", nargs="+", metavar="SRC... DST")
    p = commands.add_parser("rm", help="remove files")
    p.add_argument("-r", "--recursive", action="store_true", help="remove folders with their content")
    p.add_argument("paths", nargs="+")
    commands.add_parser("mkdir", help="make folders").add_argument("paths", nargs="+")
    commands.add_parser("rmdir", help="remove empty folders").add_argument("paths", nargs="+")
    commands.add_parser("touch", help="create empty files (existing ones are left as they are)"
                        ).add_argument("paths", nargs="+")
    commands.add_parser("tree", help="a folder's tree").add_argument("path", nargs="?", default="")
    commands.add_parser("df", help="filesystem size, used and free bytes"
                        ).add_argument("path", nargs="?", default="")
    commands.add_parser("sha256sum", help="SHA-256 of files").add_argument("paths", nargs="+")
    args = parser.parse_args(words)
    if args.command == "cp" and len(args.paths) < 2:
        parser.error("cp needs a source and a destination")
    if not port:
        parser.error("no port given: belay-run fs PORT COMMAND, --port PORT or BELAY_DEVICE")
    board = Board(port, password)
    try:
        failures = globals()[args.command](board, args)
    except Failure as e:
        say(args.command, str(e))
        failures = 1
    except BoardOSError as e:
        say(args.command, board.message(e.number))
        failures = 1
    except BrokenPipeError:
        raise  # stdout's reader left (`| head`): belay-run ends quietly
    except OSError as e:  # the host's files (cp)
        where = "%s: " % e.filename if e.filename else ""
        say(args.command, where + (e.strerror or str(e)).lower())
        failures = 1
    finally:
        _progress("finish")
        board.device.close()
    sys.exit(1 if failures else 0)


main()
