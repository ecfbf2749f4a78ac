"""Drive a board over WiFi through MicroPython's WebREPL.

    belay-run examples/09_webrepl/main.py --port ws://192.168.1.100 --password python --count 5

First put `board/boot.py` (joins your WiFi, starts WebREPL) and `board/webrepl_cfg.py` (the
password) on the board over USB: `belay-run sync /dev/ttyACM0 examples/09_webrepl/board`.
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="Blink an LED over WebREPL.")
parser.add_argument("--port", "-p", default="ws://192.168.1.100", help="ws://HOST[:PORT] of the board")
parser.add_argument("--password", default="python", help="the WebREPL password (webrepl_cfg.py)")
parser.add_argument("--count", "-n", type=int, default=None, help="blinks before stopping (default: forever)")
parser.add_argument("--period", type=float, default=1.0, help="seconds per blink (default: 1)")
args = parser.parse_args()

print("Connecting to the board")
device = belay.Device(args.port, password=args.password)


@device.task
def set_led(counter, state):
    from machine import Pin

    Pin(25, Pin.OUT).value(state)
    return counter


counter = 0
while args.count is None or counter < args.count:
    for state in (True, False):
        print(f"LED {'on ' if state else 'off'} counter {set_led(counter, state)}")
        time.sleep(args.period / 2)
    counter += 1
device.close()
