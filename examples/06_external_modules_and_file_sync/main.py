"""Copy a folder of modules and data to the board with `device.sync`, then use them.

    belay-run examples/06_external_modules_and_file_sync/main.py --port /dev/ttyACM0 --count 1

`device.sync("board/")` makes the board's filesystem match the `board/` folder beside this file:
only changed files are sent (run it twice: the second sync sends nothing), board files that are
not in `board/` are deleted (except boot.py, webrepl_cfg.py and lib/). `--dst` syncs elsewhere
than the board's root (on the MicroPython unix port the board's filesystem *is* the host's).
"""
import argparse
import os
import time

import belay

parser = argparse.ArgumentParser(description="Sync modules to the board and use them.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=3, help="LED blinks per way of calling (default: 3)")
parser.add_argument("--period", type=float, default=0.5, help="seconds per blink (default: 0.5)")
parser.add_argument("--dst", default="/", help="board folder to sync into (default: /)")
args = parser.parse_args()

device = belay.Device(args.port)
device.sync(os.path.join(os.path.dirname(os.path.abspath(__file__)), "board"), dst=args.dst)
if args.dst != "/":
    device(f"import sys; sys.path.insert(0, {args.dst!r})")


def blink(set_led):
    for _ in range(args.count):
        set_led(25, True)
        time.sleep(args.period / 2)
        set_led(25, False)
        time.sleep(args.period / 2)


print('Using the synced "led.py" through device(...) commands.')
device("import led")
blink(lambda pin, value: device(f"led.set({pin}, {value})"))


@device.task
def set_led(pin, value):
    import led

    return led.set(pin, value)


print('Using the synced "led.py" from a task.')
blink(set_led)


@device.task
def set_somemodule_led(pin, value):
    import somemodule.led

    return somemodule.led.set(pin, value)


print('Using the synced "somemodule/led.py" from a task.')
blink(set_somemodule_led)


@device.task
def read_file(path):
    with open(path) as f:
        return f.read()


print("Reading a synced file from a task. Contents:")
print(read_file(args.dst.rstrip("/") + "/hello_world.txt"), end="")
device.close()
