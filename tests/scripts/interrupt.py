"""Ctrl-C during a board call interrupts the board; the next call works."""
import sys

import belay

device = belay.Device(sys.argv[1])


@device.task
def forever():
    print("started")
    while True:
        pass


try:
    forever()
except KeyboardInterrupt:
    print("interrupted")
print("after", device("1 + 1"))
