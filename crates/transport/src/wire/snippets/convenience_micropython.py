import os, machine
from time import sleep
from micropython import const
from machine import Pin, Timer
for __belay_name in ('PWM', 'I2C', 'SPI', 'ADC'):
    if hasattr(machine, __belay_name):
        globals()[__belay_name] = getattr(machine, __belay_name)
del __belay_name
