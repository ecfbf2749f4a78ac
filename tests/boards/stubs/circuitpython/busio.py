# CircuitPython's `busio`, enough for the convenience imports and a scan.
class I2C:
    def __init__(self, scl, sda, frequency=100000):
        self.scl, self.sda = scl, sda

    def scan(self):
        return []

    def try_lock(self):
        return True

    def unlock(self):
        pass


class SPI:
    def __init__(self, clock, MOSI=None, MISO=None):
        self.clock = clock

    def try_lock(self):
        return True

    def unlock(self):
        pass
