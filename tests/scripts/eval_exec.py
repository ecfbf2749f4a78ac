"""device(...) evaluates expressions and executes statements."""
import sys

import belay
from testlib import startup_options

device = belay.Device(sys.argv[1], **startup_options(sys.argv))

assert device("1+2") == 3
assert device("x = 1") is None
assert device("x") == 1
assert device(
    """
    def triple(a):
        return a * 3
    """
) is None
assert device("triple(4)") == 12
assert device("1, 2") == (1, 2)  # a bare tuple is one value
assert device("triple(1), triple(2)  # two calls") == (3, 6)
assert device("  [i for i in range(3)]  ") == [0, 1, 2]
assert device("(1,\n 2)") == (1, 2)
assert device("'it' 's'") == "its"
assert device("'-'.join(['a', 'b'])") == "a-b"
assert device("x  # a trailing comment") == 1
assert device("print('shown')") is None
# An object's repr is not a value: Belay's sentinel, never a parse of it.
assert device("object()") is belay.UNPARSABLE_RESULT
print("eval ok")
