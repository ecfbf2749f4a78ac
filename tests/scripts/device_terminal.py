"""device.terminal() (Belay's): the board's own REPL in this console; lines piped in go one at a
time, each at the board's prompt, until the input ends; calls work again afterwards, and what was
typed there is on the board.

    device_terminal.py PORT < lines
"""
import sys

import belay

device = belay.Device(sys.argv[1])


@device.task
def five():
    return 5


device.terminal()
print()
assert five() == 5
assert device("typed") == 42, device("typed")
device.close()
print("device terminal ok")
