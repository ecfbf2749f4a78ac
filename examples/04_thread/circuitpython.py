"""CircuitPython has no threads: `@device.thread` says so at once, on the host.

    belay-run examples/04_thread/circuitpython.py --port /dev/ttyACM0 --count 3

The temperature is read from the foreground instead, from `microcontroller.cpu`.
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="Threads on CircuitPython: what happens.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=None, help="readings before stopping (default: forever)")
parser.add_argument("--period", type=float, default=0.5, help="seconds between readings (default: 0.5)")
args = parser.parse_args()

device = belay.Device(args.port)

try:

    @device.thread
    def run_led_loop(period):
        while True:
            led.value = not led.value
            sleep(period)

except belay.FeatureUnavailableError as e:
    print(f"No thread on this board: {e}")


@device.task
def read_temperature():
    import microcontroller

    return microcontroller.cpu.temperature


readings = 0
while args.count is None or readings < args.count:
    print(f"Temperature: {read_temperature():.1f}C")
    readings += 1
    time.sleep(args.period)
device.close()
