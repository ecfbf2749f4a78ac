"""Cycle a NeoPixel (WS2812) LED through red, green and blue from the host.

    belay-run examples/02_blink_neopixel/main.py --port /dev/ttyACM0 --count 2

The setup makes a one-pixel `NeoPixel` strip on pin 16 (Waveshare RP2040-Zero and similar); each
`set_neopixel(r, g, b)` call writes one colour on the board and returns what the pixel holds.
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="Cycle a NeoPixel through red, green and blue.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=None, help="colour cycles before stopping (default: forever)")
parser.add_argument("--period", type=float, default=0.5, help="seconds per colour (default: 0.5)")
args = parser.parse_args()

device = belay.Device(args.port)


@device.setup
def setup():
    from machine import Pin
    from neopixel import NeoPixel

    pixel = NeoPixel(Pin(16), 1)


@device.task
def set_neopixel(r, g, b):
    pixel[0] = (r, g, b)
    pixel.write()
    return pixel[0]


setup()
cycles = 0
while args.count is None or cycles < args.count:
    for name, colour in (("red", (255, 0, 0)), ("green", (0, 255, 0)), ("blue", (0, 0, 255))):
        shown = set_neopixel(*colour)
        print(f"{name}: pixel is {tuple(shown)}")
        time.sleep(args.period)
    cycles += 1
set_neopixel(0, 0, 0)
device.close()
