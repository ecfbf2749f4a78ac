"""Killed with SIGTERM while a board call runs: every line printed so far reaches the pipe, the
`finally` block and the board's teardown run, and the exit status is 143.

    terminated.py PORT READY_FILE   (READY_FILE is created right before the long board call)
"""
import sys

import belay

port, ready = sys.argv[1], sys.argv[2]
device = belay.Device(port)


@device.teardown
def goodbye():
    print("teardown ran on the board")


@device.task
def wait():
    import time

    time.sleep(60)


for i in range(200):
    print("line", i)
try:
    open(ready, "w").close()
    wait()
finally:
    print("finally ran")
