"""Blink an LED from a thread on the board while the host reads the temperature.

    belay-run examples/04_thread/main.py --port /dev/ttyACM0 --count 5

`@device.thread` starts the function with `_thread.start_new_thread` on the board and returns
at once; `read_temperature()` calls keep working beside it.
"""
import argparse
import time

import belay

parser = argparse.ArgumentParser(description="A board thread blinks the LED; the host reads temperatures.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=None, help="readings before stopping (default: forever)")
parser.add_argument("--period", type=float, default=0.5, help="seconds between readings and LED toggles (default: 0.5)")
args = parser.parse_args()

device = belay.Device(args.port)


@device.setup
def setup():
    from time import sleep

    from machine import ADC, Pin

    led = Pin(25, Pin.OUT)  # a Raspberry Pi Pico's LED
    toggles = 0


@device.thread
def run_led_loop(period):
    global toggles
    while True:
        led.toggle()
        toggles += 1
        sleep(period)


@device.task
def read_temperature():
    volts = ADC(4).read_u16() * 3.3 / 65535
    return 27 - (volts - 0.706) / 0.001721


setup()
run_led_loop(args.period)  # returns at once: the loop runs on the board
readings = 0
while args.count is None or readings < args.count:
    print(f"Temperature: {read_temperature():.1f}C")
    readings += 1
    time.sleep(args.period)
print(f"The LED thread is still running: it has toggled {'more than once' if device('toggles') > 1 else 'at most once'}.")
device.close()
