import os, board, digitalio
from time import sleep
try:
    import analogio
except ImportError:
    pass
try:
    import busio
    I2C, SPI = busio.I2C, busio.SPI
except ImportError:
    pass
