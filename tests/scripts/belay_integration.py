"""The assertions of Belay's integration tests (tests/integration/test_call.py,
test_function_decorators.py, test_function_decorators_exception.py, test_stdout_forwarding.py),
re-expressed against a real board. Where Belay checks its own wire strings, we check what a user
sees. See tests/ACCEPTANCE.md for the full map.
"""
import sys

import belay
from testlib import expect, startup_options
from belay import Device, PyboardException

device = Device(sys.argv[1], **startup_options(sys.argv))


# --- test_call.py
assert device("foo = 25") is None
assert device("foo") == 25
expect(PyboardException, lambda: device("bar"))
assert device("foo = 26", minify=False) is None
assert device("foo", minify=False) == 26
assert device("'hello'") == "hello"  # Belay's minifier turned this into 0


# --- test_function_decorators.py
@device.setup
def setup(config):
    foo = config["bar"]


setup({"bar": 25})
assert device("config") == {"bar": 25}
assert device("foo") == 25


@device.task
def my_task(val):
    return 2 * val


assert my_task(5) == 10


@device.task
def my_bytes():
    return b"\x00\x01\x02"


assert my_bytes() == b"\x00\x01\x02"


@device.task(trusted=True)
def my_bytearray():
    return bytearray(b"\x00\x01\x02")


assert my_bytearray() == bytearray(b"\x00\x01\x02")


@device.task
def my_gen(n):
    i = 0
    while i < n:
        yield i
        i += 1


assert list(my_gen(3)) == [0, 1, 2]


@device.task
def my_gen_send():
    x = yield
    while True:
        x = yield x * x


gen = my_gen_send()
assert [gen.send(None), gen.send(5)] == [None, 25]
gen.close()
expect(StopIteration, lambda: gen.send(1))


def autoinit_with_args():
    class Bad(Device, skip=True):
        @Device.setup(autoinit=True)
        def setup(foo):
            pass


expect(ValueError, autoinit_with_args)


# --- test_function_decorators_exception.py: the exact rewritten traceback.
@device.task
def foo():
    baz  # Should cause an exception here!


def line_of(text):
    for number, line in enumerate(open(__file__), 1):
        if line.strip() == text:
            return number
    raise LookupError(text)


error = expect(PyboardException, foo)
expected = (
    "Traceback (most recent call last):\r\n"
    '  File "<stdin>", line 1, in <module>\r\n'
    f'  File "{__file__}", line {line_of("baz  # Should cause an exception here!")}, in foo\r\n'
    "    baz  # Should cause an exception here!\r\n"
    "NameError: name 'baz' isn't defined\r\n"
)
assert str(error).replace("\r\n", "\n") == expected.replace("\r\n", "\n"), repr(str(error))


# --- test_stdout_forwarding.py: prints go to stream_out, exactly, and the result stays a result.
class Capture:
    def __init__(self):
        self.out = ""

    def write(self, text):
        self.out += text
        return len(text)


device(
    """
def printer():
    print("print from belay task.")
"""
)
capture = Capture()
assert device("printer()", stream_out=capture) is None
assert capture.out == "print from belay task.\n", repr(capture.out)
silent = device("printer()", stream_out=None)
assert silent is None


# --- teardown runs on close.
@device.teardown
def teardown():
    print("teardown ran")


capture = Capture()
real, sys.stdout = sys.stdout, capture
device.close()
sys.stdout = real
assert capture.out == "teardown ran\n", repr(capture.out)
print("belay integration ok")
