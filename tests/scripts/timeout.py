"""Device(timeout=...) bounds a call; the board is interrupted and the next call works."""
import sys
import time

import belay

device = belay.Device(sys.argv[1], timeout=0.5)


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
print("timeout ok")
