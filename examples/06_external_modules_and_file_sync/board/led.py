"""Drive an LED pin on the board (synced by main.py, imported by the board)."""
from machine import Pin


def set(pin, value):
    Pin(pin, Pin.OUT).value(value)
    return value
