"""The board memory each belay-run helper and operation needs (docs/protocol.md §5, "Peak board
allocation"): run by belay-run itself, against fresh MicroPython unix boards (tests/boards/board.py),
every device made with `startup=""`.

    belay-run bench/board_memory.py            # the whole table, as Markdown, on stdout

Two measures:

- **retained**: the bytes a helper definition keeps on the board for the rest of the connection:
  `gc.collect(); gc.mem_alloc()` on the board before and after its first use, on a board with the
  default heap (the delta, rounded to 16 bytes, the heap's block size).
- **smallest heap**: for an operation, the smallest heap (`board.py --heap NK`, bisected in
  1 KiB steps between 8 and 192 KiB) on which a fresh board connects, sets the operation up and
  runs it; the table shows it and its excess over a bare connect and call (`add(1, 2)`). This is
  the peak of what is live at once, garbage included, as a board of that size experiences it
  (fragmentation too); where data is involved the operation runs at two sizes, to show it flat.

A worker mode (`board_memory.py --row NAME SIZE PORT SCRATCH`) runs one row; exit status 0 when it
worked, 3 when the board ran out of memory or failed otherwise.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BOARD_PY = os.path.join(HERE, "..", "tests", "boards", "board.py")
BOARD_PYTHON = os.path.join(HERE, "..", "tests", "boards", ".venv", "bin", "python")
KIB = 1024
PORT = [None]  # the worker's board


sys.path.insert(0, os.path.join(HERE, "..", "tests", "scripts"))
from testlib import noise  # noqa: E402  (the test scripts' helpers)


# ---- rows: (name, description, sizes); each worker is row_<name>(device, size, scratch) -------

ROWS = [
    ("call", "a task call `add(1, 2)`", [0]),
    ("arg", "a task with a bytes argument (noise)", [KIB, 16 * KIB]),
    ("result", "a task returning bytes", [KIB, 16 * KIB]),
    ("sync", "`device.sync` of one file (noise)", [KIB, 100 * KIB]),
    ("cp_to", "`belay-run fs cp FILE :DEST` (noise)", [KIB, 100 * KIB]),
    ("cp_from", "`belay-run fs cp :FILE DEST` (noise)", [KIB, 100 * KIB]),
    ("mount_read", "a task reading a mounted file (512-byte readinto)", [KIB, 64 * KIB]),
    ("mount_write", "a task writing a mounted file (1 KiB writes)", [KIB, 64 * KIB]),
    ("event", "a task emitting an event (host callback)", [0]),
    ("host", "a task calling a host function", [0]),
    ("proxy", "a proxy attribute read and method call", [0]),
    ("generator", "a generator step", [0]),
]


def row_call(device, size, scratch):
    @device.task
    def add(a, b):
        return a + b

    assert add(1, 2) == 3


def row_arg(device, size, scratch):
    @device.task
    def length(data):
        return len(data)

    data = noise(size)
    assert length(data) == size


def row_result(device, size, scratch):
    @device.task
    def give(n):
        return bytes(range(256)) * (n // 256)

    assert give(size) == bytes(range(256)) * (size // 256)


def _file(scratch, size):
    src = os.path.join(scratch, "src")
    os.makedirs(src, exist_ok=True)
    path = os.path.join(src, "data.bin")
    with open(path, "wb") as f:
        f.write(noise(size))
    return src, path


def row_sync(device, size, scratch):
    src, path = _file(scratch, size)
    device.sync(src, dst=os.path.join(scratch, "dst"))
    with open(os.path.join(scratch, "dst", "data.bin"), "rb") as f, open(path, "rb") as g:
        assert f.read() == g.read()


def _fs(device, *args):
    device.close()  # `belay-run fs` opens the port itself
    r = subprocess.run([sys.executable, "fs", PORT[0], *args], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr)


def row_cp_to(device, size, scratch):
    _, path = _file(scratch, size)
    _fs(device, "cp", path, ":" + os.path.join(scratch, "on_board.bin"))


def row_cp_from(device, size, scratch):
    _, path = _file(scratch, size)
    _fs(device, "cp", ":" + path, os.path.join(scratch, "back.bin"))
    with open(os.path.join(scratch, "back.bin"), "rb") as f, open(path, "rb") as g:
        assert f.read() == g.read()


def row_mount_read(device, size, scratch):
    src, _ = _file(scratch, size)
    device.mount(src)

    @device.task
    def read_all(name):
        buf, n = bytearray(512), 0
        with open(name, "rb") as f:
            while True:
                k = f.readinto(buf)
                if not k:
                    return n
                n += k

    assert read_all("data.bin") == size


def row_mount_write(device, size, scratch):
    src, _ = _file(scratch, 0)
    device.mount(src)

    @device.task
    def write_all(name, n):
        piece = bytes(range(256)) * 4
        with open(name, "wb") as f:
            for _ in range(n // 1024):
                f.write(piece)

    write_all("out.bin", size)
    assert os.path.getsize(os.path.join(src, "out.bin")) == size


def row_event(device, size, scratch):
    seen = []
    device.on("tick")(lambda value, when: seen.append(value))

    @device.task
    def tick():
        belay_emit("tick", 1)  # noqa: F821 (defined on the board)

    tick()
    for _ in range(200):
        if seen:
            break
        __import__("time").sleep(0.01)
    assert seen == [1], seen


def row_host(device, size, scratch):
    @device.host
    def double(x):
        return 2 * x

    @device.task
    def ask():
        return double(21)  # noqa: F821 (defined on the board)

    assert ask() == 42


def row_proxy(device, size, scratch):
    device("class _P:\n def __init__(s):s.v=[1,2]\n def get(s,i):return s.v[i]\n_mp=_P()")
    p = device.proxy("_mp")
    assert p.v == [1, 2] and p.get(1) == 2


def row_generator(device, size, scratch):
    @device.task
    def count(n):
        for i in range(n):
            yield i

    assert list(count(3)) == [0, 1, 2]


# ---- the driver ----------------------------------------------------------------------------

class Board:
    def __init__(self, heap_kib=None):
        cmd = [BOARD_PYTHON if os.path.exists(BOARD_PYTHON) else "python3", BOARD_PY, "unix"]
        cmd += ["--heap", "%dk" % heap_kib] if heap_kib else []
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = self.proc.stdout.readline().strip()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def works(name, size, heap_kib):
    board = Board(heap_kib)
    scratch = tempfile.mkdtemp(prefix="belay-memory-")
    try:
        r = subprocess.run([sys.executable, __file__, "--row", name, str(size), board.port, scratch],
                           capture_output=True, text=True, timeout=120)
        return r.returncode == 0
    except subprocess.TimeoutExpired:
        return False
    finally:
        board.close()
        shutil.rmtree(scratch, ignore_errors=True)


def smallest_heap(name, size, lo=8, hi=192):
    """The smallest heap in KiB (lo, hi] on which the row works; None if not even at hi."""
    if not works(name, size, hi):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if works(name, size, mid):
            hi = mid
        else:
            lo = mid
    return hi


# Helper definitions and what first defines them (retained bytes after a collection).
HELPERS = [
    ("connect: the helpers, with the interpreter's own", None),
    ("codecs (base64, arrays), with a 1 KiB argument", "codecs"),
    ("floats", "float"),
    ("proxies", "proxy"),
    ("generators", "generator"),
    ("events", "event"),
    ("host functions", "host"),
    ("sync (listing, hashing)", "sync"),
    ("mount", "mount"),
]


def retained(kind):
    import belay

    board = Board()
    scratch = tempfile.mkdtemp(prefix="belay-memory-")
    try:
        device = belay.Device(board.port, startup="")
        PORT[0] = board.port

        def alloc():
            return device("[__import__('gc').collect(), __import__('gc').mem_alloc()][1]")

        before = alloc()
        if kind == "float":
            device("1.5")
        elif kind == "proxy":
            row_proxy(device, 0, scratch)
        elif kind == "generator":
            row_generator(device, 0, scratch)
        elif kind == "event":
            row_event(device, 0, scratch)
        elif kind == "host":
            row_host(device, 0, scratch)
        elif kind == "sync":
            row_sync(device, KIB, scratch)
        elif kind == "mount":
            device.mount(_file(scratch, 0)[0])
        elif kind is not None:
            row_arg(device, KIB, scratch)
        after = alloc()
        device.close()
        return before, (after - before + 15) // 16 * 16
    finally:
        board.close()
        shutil.rmtree(scratch, ignore_errors=True)


def table():
    print("| helper definition | retained bytes |")
    print("|---|---:|")
    for label, kind in HELPERS:
        before, delta = retained(kind)
        print("| %s | %d |" % (label, before if kind is None else delta), flush=True)
    print()
    print("| operation | data | smallest heap (KiB) | over a bare call (KiB) |")
    print("|---|---:|---:|---:|")
    base = smallest_heap("call", 0)
    for name, text, sizes in ROWS:
        for size in sizes:
            heap = base if name == "call" else smallest_heap(name, size)
            shown = "-" if not size else "%d KiB" % (size // KIB)
            if heap is None:
                print("| %s | %s | > 192 | - |" % (text, shown), flush=True)
            else:
                print("| %s | %s | %d | %+d |" % (text, shown, heap, heap - base), flush=True)


def main():
    if sys.argv[1:2] == ["--row"]:
        import belay

        name, size, port, scratch = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
        try:
            PORT[0] = port
            device = belay.Device(port, startup="", attempts=1)
            globals()["row_" + name](device, size, scratch)
        except Exception as e:  # out of memory, or any failure: this heap is too small
            print(type(e).__name__, e, file=sys.stderr)
            sys.exit(3)
        sys.exit(0)
    table()


main()
