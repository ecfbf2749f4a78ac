"""Draw on a Waveshare Pico-LCD-0.96 (ST7735S, 160x80) from the host.

    belay-run examples/07_lcd/main.py --port /dev/ttyACM0

The display driver lives in `board/` and is synced to the board; the host then sends drawing
commands. Needs the real display: not run in CI.
"""
import argparse
import os
import time

import belay

parser = argparse.ArgumentParser(description="Draw text on the Pico-LCD-0.96.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=10, help="frames to draw (default: 10)")
args = parser.parse_args()

device = belay.Device(args.port)
device.sync(os.path.join(os.path.dirname(os.path.abspath(__file__)), "board"))


@device.setup
def setup():
    from lcd_0_96 import LCD

    lcd = LCD()


@device.task
def show(text, colour):
    lcd.fill(0)
    lcd.text(text, 8, 36, colour)
    lcd.show()


setup()
for frame in range(args.count):
    show(f"belay-run {frame}", 0xFFFF if frame % 2 else 0x07E0)
    time.sleep(0.5)
device.close()
