import os,machine
from time import sleep
from micropython import const
from machine import Pin,Timer
for _Bj in('PWM','I2C','SPI','ADC'):
    if hasattr(machine,_Bj):globals()[_Bj]=getattr(machine,_Bj)
del _Bj
