"""User code cannot take the names of belay-run's board helpers, and rebinding common module
names (`sys`, `time`, `os`, `errno`, `io`) does not break them.

    board_names.py PORT SCRATCH [--no-startup]

SCRATCH: a host folder under /tmp (mounted on the board). With --no-startup the device is made
with `startup=""`.
"""
import os
import sys
import time

import belay
from testlib import expect, startup_options

PORT, SCRATCH = sys.argv[1], sys.argv[2]
device = belay.Device(PORT, **startup_options(sys.argv[3:]))
HERE = os.path.abspath(__file__)


def line_of(marker):
    """The line of this file that holds `marker` (in a comment)."""
    with open(HERE) as f:
        for n, line in enumerate(f, 1):
            if marker in line and "line_of" not in line:
                return n
    raise LookupError(marker)


def refused(fn, name, where):
    """`fn` raises SpecialFunctionNameError naming `name` and `where`."""
    e = expect(belay.SpecialFunctionNameError, fn)
    assert isinstance(e, belay.BelayException), type(e)
    message = str(e)
    assert f"'{name}'" in message and where in message, message
    assert "board helpers" in message, message


@device.task
def add(a, b):
    return a + b


assert add(1, 2) == 3

# --- a setup that binds a helper's name at the board's global scope -------------------------------


def define_clobbering_setup():
    @device.setup
    def clobber():
        x = 1
        _Br = x  # clash: setup
        return _Br


refused(define_clobbering_setup, "_Br", f"{HERE}, line {line_of('# clash: setup')}")
assert add(2, 3) == 5

# --- a task whose global statement hands a helper's name to the board -----------------------------


def define_clobbering_task():
    @device.task
    def lister():
        global _BL
        _BL = None  # clash: task
        return 1


refused(define_clobbering_task, "_BL", f"{HERE}, line {line_of('# clash: task')}")

# ... a thread, through a walrus in a nested function, and Belay's own prefix.


def define_clobbering_thread():
    @device.thread
    def worker():
        def inner():
            global _Bz
            return (_Bz := print)  # clash: thread

        inner()


refused(define_clobbering_thread, "_Bz", f"{HERE}, line {line_of('# clash: thread')}")

# --- code given to device(...): the line is the code's own ------------------------------------------
refused(lambda: device("x = 1\nfor _Bo_3 in range(2):\n    pass"), "_Bo_3", "line 2 of the code")
refused(lambda: device("from os import listdir as __belay_ls"), "__belay_ls", "line 1 of the code")
refused(lambda: device("import sys as _Bq"), "_Bq", "line 1 of the code")

# Reading a helper's name is harmless, and so are look-alike names.
assert device("_Br is not None") is True
device("_Button = 5\nbelay_x = 6")
assert device("_Button + belay_x") == 11
assert add(3, 4) == 7

# --- a setup that rebinds common module names -----------------------------------------------------


@device.setup
def rebind():
    time = 5
    sys = None
    os = None
    errno = None
    io = None


rebind()
assert device("(time, sys, os, errno, io)") == (5, None, None, None, None)

# Calls, timed calls, floats, proxies and generators.
assert add(1.5, 2) == 3.5
value, when = device("[1, 2]", return_time=True)
assert value == [1, 2] and when is not None
assert device("[1, 2, 3]", proxy=True)[1] == 2


@device.task
def count(n):
    for i in range(n):
        yield i


assert list(count(3)) == [0, 1, 2]

# Events and host functions.
seen = []
device.on("ping")(lambda value, when: seen.append(value))


@device.host
def double(x):
    return 2 * x


@device.task
def ping_and_ask(x):
    belay_emit("ping", x)
    return double(x)


assert ping_and_ask(21) == 42
for _ in range(500):  # callbacks run on the host's event thread
    if seen:
        break
    time.sleep(0.01)
assert seen == [21], seen

# A mount (host function under it), read and written through, and a sync.
mounted = os.path.join(SCRATCH, "mounted")
os.makedirs(mounted, exist_ok=True)
with open(os.path.join(mounted, "in.txt"), "w") as f:
    f.write("hello")
device.mount(mounted, at="/names_mount")
assert device("open('/names_mount/in.txt').read()") == "hello"
device("f = open('/names_mount/out.txt', 'w')\nf.write('there')\nf.close()")
assert open(os.path.join(mounted, "out.txt")).read() == "there"
expect(belay.PyboardException, lambda: device("open('/names_mount/missing.txt')"))
device.unmount("/names_mount")

synced = os.path.join(SCRATCH, "synced")
os.makedirs(synced, exist_ok=True)
with open(os.path.join(synced, "a.txt"), "w") as f:
    f.write("A = 1\n")
target = os.path.join(SCRATCH, "board")
device.sync(synced, dst=target)
assert open(os.path.join(target, "a.txt")).read() == "A = 1\n"
assert device("(time, sys, os, errno, io)") == (5, None, None, None, None)
device.close()
print("board names ok")
