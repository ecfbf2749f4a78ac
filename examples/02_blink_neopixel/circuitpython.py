"""Cycle a NeoPixel through red, green and blue on a CircuitPython board.

    belay-run examples/02_blink_neopixel/circuitpython.py --port /dev/ttyACM0 --count 2

CircuitPython's `neopixel_write` sends raw GRB bytes to a pin (GP16 here).
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
device("import board, digitalio")
device("from neopixel_write import neopixel_write")
device("pin = digitalio.DigitalInOut(board.GP16)")
device("pin.direction = digitalio.Direction.OUTPUT")


@device.task
def set_neopixel(r, g, b):
    data = bytearray([g, r, b])  # the pixel wants green first
    neopixel_write(pin, data)
    return tuple(data)


cycles = 0
while args.count is None or cycles < args.count:
    for name, colour in (("red", (255, 0, 0)), ("green", (0, 255, 0)), ("blue", (0, 0, 255))):
        print(f"{name}: sent GRB {set_neopixel(*colour)}")
        time.sleep(args.period)
    cycles += 1
device.close()
