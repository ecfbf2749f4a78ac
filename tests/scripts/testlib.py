"""Helpers shared by the host test scripts (their folder is on sys.path)."""


def expect(exc, fn):
    """Call `fn`; it must raise `exc`, which is returned."""
    try:
        fn()
    except exc as e:
        return e
    raise AssertionError(f"{exc.__name__} not raised")


def startup_options(args):
    """Device options for a script's arguments: `startup=""` when `--no-startup` is among them (no
    start-up imports on the board, so belay-run's own board code must import what it uses)."""
    return {"startup": ""} if "--no-startup" in args else {}


def board_heap_free(device):
    """The board's free heap in bytes, after a garbage collection."""
    device("import gc")
    return device("gc.collect() or gc.mem_free()")


def noise(n, x=0x9E3779B9):
    """Bytes no compression shrinks (xorshift32)."""
    out = bytearray(n)
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x & 0xFF
    return bytes(out)


def assert_small_board(device):
    """The board is a small one (a unix board started with `--heap 64k`): its free heap."""
    free = board_heap_free(device)
    assert free < 70000, f"not a small board: {free} bytes free"
    return free


def rss_kib():
    """This process's resident memory, in KiB."""
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise LookupError("VmRSS")
