"""A task the host's parser accepts and MicroPython cannot compile (it has no `match`): the board's
SyntaxError names the bad line of the task, not its decorator.

    board_syntax_error.py PORT [--uncaught]
"""
import sys

import belay
from testlib import startup_options

device = belay.Device(sys.argv[1], **startup_options(sys.argv))


def line_of(marker):
    for number, line in enumerate(open(__file__), 1):
        if marker in line and "line_of(" not in line:
            return number
    raise LookupError(marker)


try:

    @device.task
    def classify(value):
        doubled = value * 2
        match doubled:  # BAD-LINE
            case 2:
                return "two"
        return "other"

except belay.PyboardException as e:
    text = str(e)
    assert "SyntaxError" in text, text
    frame = f'File "{__file__}", line {line_of("# BAD-LINE")}\n'
    assert frame in text.replace("\r\n", "\n"), text
    assert "match doubled:  # BAD-LINE" in text, text
else:
    raise AssertionError("the board compiled a match statement")

# The board is still usable.
assert device("1 + 1") == 2
if "--uncaught" in sys.argv:

    @device.task
    def bad_again(value):
        match value:  # UNCAUGHT-LINE
            case _:
                return 0

print("board syntax error ok")
