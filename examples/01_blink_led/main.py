"""Blink the board's LED from the host.

    belay-run examples/01_blink_led/main.py --port /dev/ttyACM0 --count 5

`setup()` runs once on the board and makes `led` a global there; every `set_led(...)` call runs on
the board, prints from the board (the text appears here) and returns the pin's new value.
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="Blink the LED on pin 25 of a MicroPython board.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=None, help="blink this many times, then stop (default: forever)")
parser.add_argument("--period", type=float, default=1.0, help="seconds per on/off cycle (default: 1)")
args = parser.parse_args()

device = belay.Device(args.port)


@device.setup
def setup():
    from machine import Pin

    led = Pin(25, Pin.OUT)


@device.task
def set_led(state):
    print(f"Printing from device; turning LED to {state}.")
    led.value(state)
    return led.value()


setup()
blinks = 0
while args.count is None or blinks < args.count:
    for state in (True, False):
        level = set_led(state)
        print(f"host: LED pin reads {level}")
        time.sleep(args.period / 2)
    blinks += 1
device.close()
