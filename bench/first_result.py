"""Process start to the first task result: connect, define a task, call it, print."""
import sys

import belay

device = belay.Device(sys.argv[1])


@device.task
def add(a, b):
    return a + b


print("first result", add(1, 2), flush=True)
device.close()
