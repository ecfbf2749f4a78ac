"""Generator tasks: the board yields values one at a time, and `.send()` talks back.

    belay-run examples/10_generators/main.py --port /dev/ttyACM0 --limit 10
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="Iterate over and talk to generators running on the board.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--limit", type=int, default=10, help="the board counts up to this (default: 10)")
parser.add_argument("--period", type=float, default=0.5, help="host pause per value (default: 0.5)")
args = parser.parse_args()

device = belay.Device(args.port)


@device.task
def count(limit):
    from machine import Pin

    i = 0
    while True:
        Pin(25, Pin.OUT).value(i % 2)  # the LED blinks as the count goes up
        yield i
        if i >= limit:
            break
        i += 1


@device.task
def communicate(x):
    new_val = yield "Device: " + str(x)
    new_val = yield "Device: " + str(new_val)
    new_val = yield "Device: " + str(new_val)


for index in count(args.limit):
    time.sleep(args.period)
    print(index)

generator = communicate("foo")
print(generator.send(None))
print(generator.send("bar"))
print(generator.send("baz"))
device.close()
