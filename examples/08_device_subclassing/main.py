"""A Device subclass bundles the board code: setup runs by itself when the device connects.

    belay-run examples/08_device_subclassing/main.py --port /dev/ttyACM0 --count 3

`@Device.setup(autoinit=True)` runs on connection, `@Device.task` methods become board calls on
every instance. See main_multiple_devices.py for the same class on two boards at once.
"""
import argparse
import time

from belay import Device


class MyDevice(Device):
    @Device.setup(autoinit=True)  # runs as soon as a MyDevice connects
    def setup():
        from machine import ADC, Pin

        led_pin = Pin(25, Pin.OUT)
        sensor_temp = ADC(4)

    @Device.task
    def set_led(state):
        led_pin.value(state)
        return led_pin.value()

    @Device.task
    def read_temperature():
        volts = sensor_temp.read_u16() * 3.3 / 65535
        return 27 - (volts - 0.706) / 0.001721


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Blink and read the temperature with a Device subclass.")
    parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
    parser.add_argument("--count", "-n", type=int, default=None, help="blinks before stopping (default: forever)")
    parser.add_argument("--period", type=float, default=1.0, help="seconds per blink (default: 1)")
    args = parser.parse_args()

    device = MyDevice(args.port)
    blinks = 0
    while args.count is None or blinks < args.count:
        for state in (True, False):
            print(f"LED {'on ' if device.set_led(state) else 'off'}, temperature {device.read_temperature():.1f}C")
            time.sleep(args.period / 2)
        blinks += 1
    device.close()
