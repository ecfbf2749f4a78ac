"""A task fails on the board and nobody catches it: belay-run shows where, in host terms."""
import sys

import belay

device = belay.Device(sys.argv[1])


@device.task
def scale(a):
    y = a + 1
    return undefined_name * y


print("before the call")
scale(1)
print("not reached")
