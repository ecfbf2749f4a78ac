"""Board timestamps on the host clock: `return_time=True`, buffered readings, generators.

    belay-run examples/12_time_sync/main.py --port /dev/ttyACM0 --count 3

Connecting measures the offset between the board's clock and the host's (`device.time_offset`,
board minus host, in seconds); it is refined by every call. A reading of board time
`ticks_ms()` is host time `ticks_ms() / 1000 - device.time_offset`.
"""
import argparse
import time
from datetime import datetime

import belay

parser = argparse.ArgumentParser(description="Timestamp board readings with host time.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=3, help="readings per method (default: 3)")
parser.add_argument("--period", type=float, default=1.0, help="seconds between readings (default: 1)")
args = parser.parse_args()


def stamp(when):
    return when.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


device = belay.Device(args.port)
print(f"Device time offset: {device.time_offset:.6f} s (device time - host time)")


@device.setup
def setup_sensor(period_ms):
    import random

    def read_sensor():
        return random.random() * 100  # a stand-in for a real sensor


setup_sensor(int(args.period * 1000))

print("Method 1: return_time=True")


@device.task(return_time=True)
def get_reading():
    return read_sensor()


for i in range(args.count):
    value, when = get_reading()  # (value, datetime on the host clock)
    print(f"{i + 1:<4}{stamp(when):<26}{value:8.2f}")
    time.sleep(args.period)

print("Method 2: buffered readings, converted with time_offset")


@device.task
def get_buffered_readings(count):
    import time

    readings = []
    for _ in range(count):
        readings.append((time.ticks_ms(), read_sensor()))
        time.sleep_ms(period_ms)
    return readings


for i, (device_ms, value) in enumerate(get_buffered_readings(args.count)):
    when = datetime.fromtimestamp(device_ms / 1000 - device.time_offset)
    print(f"{i + 1:<4}{device_ms:<14}{stamp(when):<26}{value:8.2f}")

print("Method 3: a generator with return_time=True")


@device.task(return_time=True)
def stream_readings(count):
    import time

    for _ in range(count):
        yield read_sensor()
        time.sleep_ms(period_ms)


for i, (value, when) in enumerate(stream_readings(args.count)):
    print(f"{i + 1:<4}{stamp(when):<26}{value:8.2f}")
device.close()
