# CircuitPython's `neopixel` (the Adafruit library): pixels remember their colours.
class NeoPixel:
    def __init__(self, pin, n, *, brightness=1.0, auto_write=True, pixel_order=None):
        self.pin = pin
        self.n = n
        self.brightness = brightness
        self.auto_write = auto_write
        self._pixels = [(0, 0, 0)] * n
        self.shown = None

    def __len__(self):
        return self.n

    def __setitem__(self, i, colour):
        self._pixels[i] = tuple(colour)
        if self.auto_write:
            self.show()

    def __getitem__(self, i):
        return self._pixels[i]

    def fill(self, colour):
        self._pixels = [tuple(colour)] * self.n
        if self.auto_write:
            self.show()

    def show(self):
        self.shown = list(self._pixels)
