"""Device(timeout=...) bounds a call; the board is interrupted and the next call works, also after
a call the board does not stop on Ctrl-C."""
import sys
import time

import belay
from testlib import startup_options

device = belay.Device(sys.argv[1], timeout=0.5, **startup_options(sys.argv))


@device.task
def spin():
    while True:
        pass


@device.task
def quick(x):
    return x + 1


t0 = time.monotonic()
try:
    spin()
except belay.PyboardError as e:
    assert "within the device timeout" in str(e), str(e)
    assert "interrupted on the board" in str(e), str(e)
else:
    raise AssertionError("no timeout")
elapsed = time.monotonic() - t0
assert elapsed < 2.5, elapsed
assert quick(1) == 2


# A call that does not stop for Ctrl-C: the host gives up on it at the timeout; the next call
# waits for the board to be back (within the protocol's step bound) and then works, and so do
# the ones after it.
@device.task
def stubborn(seconds):
    import time

    start = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), start) < seconds * 1000:
        try:
            time.sleep_ms(20)
        except KeyboardInterrupt:
            pass
    return seconds


t0 = time.monotonic()
try:
    stubborn(2)
except belay.PyboardError as e:
    assert "did not answer the interrupt" in str(e), str(e)
else:
    raise AssertionError("no timeout")
assert time.monotonic() - t0 < 2, time.monotonic() - t0
assert quick(2) == 3
assert time.monotonic() - t0 >= 1.9, "the board was still busy"
assert [quick(i) for i in range(3)] == [1, 2, 3]
assert device("1 + 1") == 2
print("timeout ok")
