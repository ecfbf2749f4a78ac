"""Setup with arguments, and every literal type in both directions."""
import sys

import belay
from testlib import startup_options

device = belay.Device(sys.argv[1], **startup_options(sys.argv))


@device.setup
def setup(scale, offset=1, *, label="x"):
    base = scale * 10 + offset
    name = label


@device.task
def echo(value):
    return value


@device.task
def globals_from_setup():
    return base, name


@device.task
def made_on_board():
    return {
        "none": None,
        "bools": (True, False),
        "big": 2**100,
        "neg_big": -(2**80) - 1,
        "float": 1.25,
        "text": "h\u00e9llo \u2603 \U0001F600 'q' \"d\" \\ \n\t\x00\x7f",
        "bytes": bytes(range(256)),
        "nested": [1, (2, [3, {4: {5}}]), set()],
        "empty": ((), [], {}),
    }


setup(4, label="lbl")
assert globals_from_setup() == (41, "lbl"), globals_from_setup()
setup(scale=2)
assert globals_from_setup() == (21, "x"), globals_from_setup()

# The same function, run on the host, says what the board must return.
expected = made_on_board.__wrapped__()
got = made_on_board()
assert got == expected, got
for key, value in expected.items():
    assert type(got[key]) is type(value), (key, got[key])

values = [
    None, True, False, 0, -7, 2**63, -(2**63) - 1, 2**64, -(2**70), 12345678901234567890123456789,
    1.5, 0.1, -2.5e-7, 1e100, float("inf"), float("-inf"),
    "", "ascii", "h\u00e9llo \u2603 \U0001F600", "quotes ' \" \\", "ctrl \x00\x01\x1f\x7f\n\r\t",
    b"", b"'", bytes(range(256)),
    (), (1,), (1, "two", 3.5), [], [1, [2, [3, [4]]]],
    {}, {"k": [1, {"n": (None,)}]}, {1, 2, 3}, set(), {(1, 2): b"x", 3: "y"},
]
for value in values:
    back = echo(value)
    assert back == value and type(back) is type(value), (value, back)
nan = echo(float("nan"))
assert nan != nan
assert str(echo(-0.0)) == "-0.0"
print("literals ok", len(values))
