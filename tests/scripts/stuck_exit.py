"""A board that stops answering while the script runs: Ctrl-C on the host must end the process
within a second, teardowns included.

    stuck_exit.py PORT idle|call

`idle`: the script waits on the host (the test silences the board, then sends Ctrl-C).
`call`: the script is in a board call that never ends (the test silences the board, then sends
Ctrl-C: the interrupt goes unanswered).
"""
import sys
import time

import belay

port, where = sys.argv[1], sys.argv[2]
device = belay.Device(port)


@device.task
def spin():
    while True:
        pass


@device.teardown
def off():
    print("teardown ran")


print("ready", flush=True)
if where == "idle":
    time.sleep(60)
else:
    spin()
