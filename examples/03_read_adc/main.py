"""Read the RP2040's internal temperature sensor (ADC channel 4) from the host.

    belay-run examples/03_read_adc/main.py --port /dev/ttyACM0 --count 5

`read_temperature()` runs on the board and returns a float; the host prints it.
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="Print the board's temperature sensor reading.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=None, help="readings before stopping (default: forever)")
parser.add_argument("--period", type=float, default=0.5, help="seconds between readings (default: 0.5)")
args = parser.parse_args()

device = belay.Device(args.port)


@device.task
def read_temperature():
    from machine import ADC

    sensor = ADC(4)  # wired to the internal temperature sensor
    volts = sensor.read_u16() * 3.3 / 65535
    return 27 - (volts - 0.706) / 0.001721  # the RP2040 datasheet's conversion


readings = 0
while args.count is None or readings < args.count:
    print(f"Temperature: {read_temperature():.1f}C")
    readings += 1
    time.sleep(args.period)
device.close()
