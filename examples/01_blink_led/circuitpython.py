"""Blink the LED of a CircuitPython board from the host.

    belay-run examples/01_blink_led/circuitpython.py --port /dev/ttyACM0 --count 5

CircuitPython names its pins in `board` and drives them with `digitalio`.
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="Blink board.LED on a CircuitPython board.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=None, help="blink this many times, then stop (default: forever)")
parser.add_argument("--period", type=float, default=1.0, help="seconds per on/off cycle (default: 1)")
args = parser.parse_args()

device = belay.Device(args.port)


@device.setup
def setup():
    import board
    import digitalio

    led = digitalio.DigitalInOut(board.LED)
    led.direction = digitalio.Direction.OUTPUT


@device.task
def set_led(state):
    print(f"Printing from device; turning LED to {state}.")
    led.value = state
    return led.value


setup()
blinks = 0
while args.count is None or blinks < args.count:
    for state in (True, False):
        print(f"host: LED reads {set_led(state)}")
        time.sleep(args.period / 2)
    blinks += 1
device.close()
