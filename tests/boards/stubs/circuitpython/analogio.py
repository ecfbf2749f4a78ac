# CircuitPython's `analogio`: readings ramp like a real input's.
class AnalogIn:
    reference_voltage = 3.3

    def __init__(self, pin):
        self.pin = pin
        self._reads = 0

    @property
    def value(self):
        self._reads += 1
        return (self._reads * 1237) & 0xFFFF

    def deinit(self):
        pass
