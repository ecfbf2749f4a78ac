# The unix port's own os and sys, taken at boot before the personality replaces them (for the
# stand-ins that need what CircuitPython's modules do not have).
import os
import sys
