"""The board's LED through digitalio (synced by circuitpython.py, imported by the board)."""
import board
import digitalio

led = digitalio.DigitalInOut(board.LED)
led.direction = digitalio.Direction.OUTPUT


def set(value):
    led.value = value
    return led.value
