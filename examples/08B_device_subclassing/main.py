"""Use the MyDevice class from mydevice.py: blink the LED and print the temperature.

    belay-run examples/08B_device_subclassing/main.py --port /dev/ttyACM0 --count 3
"""
import argparse
import time

from mydevice import MyDevice

parser = argparse.ArgumentParser(description="Blink and read the temperature with MyDevice.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=None, help="blinks before stopping (default: forever)")
parser.add_argument("--period", type=float, default=1.0, help="seconds per blink (default: 1)")
args = parser.parse_args()

device = MyDevice(args.port)
blinks = 0
while args.count is None or blinks < args.count:
    device.set_led(True)
    print(f"Temperature: {device.read_temperature():.1f}C")
    time.sleep(args.period / 2)
    device.set_led(False)
    time.sleep(args.period / 2)
    blinks += 1
device.close()
