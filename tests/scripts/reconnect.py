"""Closing, context managers, reconnecting, and a device left open at exit."""
import sys

import belay
from testlib import startup_options

port = sys.argv[1]
device = belay.Device(port, **startup_options(sys.argv))


@device.task
def ident():
    return 42


assert ident() == 42
device.close()
device.close()
try:
    ident()
except belay.ConnectionLost:
    pass
else:
    raise AssertionError("a closed device still answered")

with belay.Device(port, **startup_options(sys.argv)) as again:
    assert again("7 * 6") == 42
    # Connecting soft-resets the board: the old definitions are gone.
    try:
        again("ident()")
    except belay.PyboardException as e:
        assert "NameError" in str(e)
    else:
        raise AssertionError("state survived the soft reset")

left_open = belay.Device(port, **startup_options(sys.argv))
assert left_open("1") == 1
print("reconnect ok")
