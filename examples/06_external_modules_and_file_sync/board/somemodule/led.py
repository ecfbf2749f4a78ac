"""The same LED helper, one package deeper: synced folders keep their structure."""
from machine import Pin


def set(pin, value):
    Pin(pin, Pin.OUT).value(value)
    return value
