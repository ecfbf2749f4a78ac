"""A board that vanishes mid-call raises belay.ConnectionLost (the test kills the board)."""
import sys
import time

import belay

device = belay.Device(sys.argv[1])


@device.task
def wait_forever():
    print("started")
    while True:
        pass


try:
    wait_forever()
except belay.ConnectionLost as e:
    print("lost:", e, flush=True)
try:
    device("1")
except belay.ConnectionLost:
    print("still lost")
