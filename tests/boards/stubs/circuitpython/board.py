# CircuitPython's `board` for a Raspberry Pi Pico-like board (GP pins), with the D pins of
# Feather-style boards too, so that examples written for either find their pins.
from microcontroller import Pin

board_id = "belay_test_board"
LED = Pin("LED")
NEOPIXEL = Pin("NEOPIXEL")
for _i in range(29):
    globals()["GP%d" % _i] = Pin("GP%d" % _i)
for _i in range(4):
    globals()["A%d" % _i] = Pin("A%d" % _i)
for _i in range(14):
    globals()["D%d" % _i] = Pin("D%d" % _i)
del _i


def I2C():
    import busio

    return busio.I2C(GP5, GP4)


def SPI():
    import busio

    return busio.SPI(GP18, GP19, GP16)
