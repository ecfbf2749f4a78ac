"""Board exceptions raise belay.PyboardException with frames mapped to this file."""
import sys

import belay
from testlib import startup_options

device = belay.Device(sys.argv[1], **startup_options(sys.argv))


@device.task
def fails(x):
    y = x + 1
    return undefined_name + y  # TASK-LINE


@device.setup
def bad_setup(n, m=2):
    a = n + m
    b = missing_global  # SETUP-LINE


def line_of(marker):
    for number, line in enumerate(open(__file__), 1):
        if marker in line and "line_of(" not in line:
            return number
    raise LookupError(marker)


def expect_board_error(call, marker, function, source_text):
    try:
        call()
    except belay.PyboardException as e:
        text = str(e)
        frame = f'File "{__file__}", line {line_of(marker)}, in {function}'
        assert frame in text, text
        assert source_text in text, text
        assert "NameError" in text, text
        assert isinstance(e, belay.BelayException)
    else:
        raise AssertionError("no exception raised")


expect_board_error(lambda: fails(1), "# TASK-LINE", "fails", "return undefined_name + y  # TASK-LINE")
expect_board_error(lambda: bad_setup(1), "# SETUP-LINE", "<module>", "b = missing_global  # SETUP-LINE")

try:
    device("1/0")
except belay.PyboardException as e:
    assert "ZeroDivisionError" in str(e), str(e)
else:
    raise AssertionError("no exception raised")

# The board is still usable after all that.
assert device("1 + 1") == 2


@device.setup(ignore_errors=True)
def tolerant():
    raise ValueError("ignored")


assert tolerant() is None
print("exceptions ok")
