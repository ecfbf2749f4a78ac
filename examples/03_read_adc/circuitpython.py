"""Read a CircuitPython board's CPU temperature from the host.

    belay-run examples/03_read_adc/circuitpython.py --port /dev/ttyACM0 --count 5
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="Print the board's CPU temperature.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=None, help="readings before stopping (default: forever)")
parser.add_argument("--period", type=float, default=0.5, help="seconds between readings (default: 0.5)")
args = parser.parse_args()

device = belay.Device(args.port)
device("import microcontroller")


@device.task
def read_temperature():
    return microcontroller.cpu.temperature


readings = 0
while args.count is None or readings < args.count:
    print(f"Temperature: {read_temperature():.1f}C")
    readings += 1
    time.sleep(args.period)
device.close()
