"""A Device subclass in its own module, shared by main.py and main_multiple_devices.py."""
from belay import Device


class MyDevice(Device):
    @Device.setup(autoinit=True)  # runs on the board whenever a MyDevice connects
    def setup():
        from machine import ADC, Pin

        try:
            led_pin = Pin.board.LED  # boards whose firmware names their LED
        except (TypeError, AttributeError):
            led_pin = Pin(25, Pin.OUT)  # a Raspberry Pi Pico without wifi
        sensor_temp = ADC(4)

    @Device.task
    def set_led(state):
        led_pin.value(state)

    @Device.task
    def read_temperature():
        volts = sensor_temp.read_u16() * 3.3 / 65535
        return 27 - (volts - 0.706) / 0.001721
