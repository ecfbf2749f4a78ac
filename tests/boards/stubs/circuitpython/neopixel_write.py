# CircuitPython's `neopixel_write`: the last bytes sent to each pin are kept.
SENT = {}


def neopixel_write(pin, buf):
    SENT[repr(pin)] = bytes(buf)
