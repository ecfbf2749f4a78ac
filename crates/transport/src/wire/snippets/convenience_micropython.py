import os,machine
from time import sleep
from micropython import const
for _Bj in('Pin','Timer','PWM','I2C','SPI','ADC'):
    if hasattr(machine,_Bj):globals()[_Bj]=getattr(machine,_Bj)
del _Bj
