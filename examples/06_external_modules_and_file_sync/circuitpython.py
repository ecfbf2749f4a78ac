"""Copy a folder of modules and data to a CircuitPython board with `device.sync`, then use them.

    belay-run examples/06_external_modules_and_file_sync/circuitpython.py --port /dev/ttyACM0

Syncs `board_circuitpython/` to the board (see main.py for what sync does; `--dst` syncs
elsewhere than the board's root).
"""
import argparse
import os
import time

import belay

parser = argparse.ArgumentParser(description="Sync modules to a CircuitPython board and use them.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=3, help="LED blinks per way of calling (default: 3)")
parser.add_argument("--period", type=float, default=0.5, help="seconds per blink (default: 0.5)")
parser.add_argument("--dst", default="/", help="board folder to sync into (default: /)")
args = parser.parse_args()

device = belay.Device(args.port)
device.sync(os.path.join(os.path.dirname(os.path.abspath(__file__)), "board_circuitpython"), dst=args.dst)
if args.dst != "/":
    device(f"import sys; sys.path.insert(0, {args.dst!r})")

print('Using the synced "led.py" through device(...) commands.')
device("import led")
for _ in range(args.count):
    for value in (True, False):
        device(f"led.set({value})")
        time.sleep(args.period / 2)


@device.task
def set_led(value):
    import led

    return led.set(value)


print('Using the synced "led.py" from a task.')
states = [set_led(value) for _ in range(args.count) for value in (True, False)]
print(f"LED states: {states}")


@device.task
def read_file(path):
    with open(path) as f:
        return f.read()


print("Reading a synced file from a task. Contents:")
print(read_file(args.dst.rstrip("/") + "/hello_world.txt"), end="")
device.close()
