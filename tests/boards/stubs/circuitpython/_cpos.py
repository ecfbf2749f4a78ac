# CircuitPython's `os`: no ilistdir (hosts list directories with listdir and stat).
from os import *

try:
    del ilistdir
except NameError:
    pass
