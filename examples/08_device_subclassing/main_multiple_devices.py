"""The same Device subclass driving two boards at once, LEDs in turn.

    belay-run examples/08_device_subclassing/main_multiple_devices.py --device1 /dev/ttyACM0 --device2 /dev/ttyACM1
"""
import argparse
import time

from main import MyDevice

parser = argparse.ArgumentParser(description="Two boards, one Device subclass.")
parser.add_argument("--device1", required=True, help="the first board's port")
parser.add_argument("--device2", required=True, help="the second board's port")
parser.add_argument("--count", "-n", type=int, default=None, help="rounds before stopping (default: forever)")
parser.add_argument("--period", type=float, default=0.5, help="seconds per half round (default: 0.5)")
args = parser.parse_args()

device1 = MyDevice(args.device1)
device2 = MyDevice(args.device2)
rounds = 0
while args.count is None or rounds < args.count:
    for number, (on, off) in enumerate(((device1, device2), (device2, device1)), 1):
        on.set_led(True)
        off.set_led(False)
        print(f"Temperature {number}: {on.read_temperature():.1f}C")
        time.sleep(args.period)
    rounds += 1
device1.close()
device2.close()
