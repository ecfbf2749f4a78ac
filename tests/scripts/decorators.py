"""Generators, threads, teardowns and options of the instance decorators.

A last argument --no-startup makes the device with `startup=""` (no start-up imports).
"""
import io
import sys
import time

import belay
from testlib import startup_options

PORT, HAS_THREADS = sys.argv[1], sys.argv[2] == "threads"
device = belay.Device(PORT, **startup_options(sys.argv[3:]))


@device.task
def count(n):
    for i in range(n):
        yield i


assert list(count(3)) == [0, 1, 2]
assert list(count(0)) == []


@device.task
def squares():
    x = yield
    while True:
        x = yield x * x


gen = squares()
assert next(gen) is None
assert gen.send(5) == 25
assert gen.send(7) == 49
gen.close()
try:
    gen.send(2)
except StopIteration:
    pass
else:
    raise AssertionError("a closed board generator still answered")


@device.task
def failing_gen():
    yield 1
    raise ValueError("from the board generator")


g = failing_gen()
assert next(g) == 1
try:
    next(g)
except belay.PyboardException as e:
    assert "from the board generator" in str(e)
# Exhausted and failed generators are deleted on the board.
assert device("[k for k in globals() if k.startswith('_Bg_')]") == []


@device.task(trusted=True)
def raw_repr():
    return bytearray(b"ab")


assert raw_repr() == bytearray(b"ab")


@device.task
def board_object():
    return object()


assert board_object() is belay.UNPARSABLE_RESULT


if HAS_THREADS:

    @device.setup
    def thread_setup():
        flag = []

    thread_setup()

    @device.thread
    def worker(value, delay=0.05):
        import time

        time.sleep(delay)
        flag.append(value)

    @device.thread(minify=False)
    def worker2():
        flag.append("second")

    assert worker(7, delay=0.01) is None
    assert worker2() is None
    for _ in range(200):
        if sorted(map(str, device("flag"))) == ["7", "second"]:
            break
        time.sleep(0.01)
    assert sorted(map(str, device("flag"))) == ["7", "second"], device("flag")


@device.teardown
def goodbye():
    print("bye from the board")


captured = io.StringIO()
real, sys.stdout = sys.stdout, captured
device.close()
sys.stdout = real
assert captured.getvalue() == "bye from the board\n", repr(captured.getvalue())
print("decorators ok")
