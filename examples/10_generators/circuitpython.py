"""Generator tasks on a CircuitPython board: the board yields values one at a time.

    belay-run examples/10_generators/circuitpython.py --port /dev/ttyACM0 --limit 10
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="Iterate over a generator running on the board.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--limit", type=int, default=10, help="the board counts up to this (default: 10)")
parser.add_argument("--period", type=float, default=0.5, help="host pause per value (default: 0.5)")
args = parser.parse_args()

device = belay.Device(args.port)


@device.task
def count(limit):
    i = 0
    while True:
        yield i
        if i >= limit:
            break
        i += 1


for index in count(args.limit):
    time.sleep(args.period)
    print(index)
device.close()
