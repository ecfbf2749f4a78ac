# A stand-in for MicroPython's `neopixel` module: pixels remember their colours, `write()` keeps
# what was last sent so tests can check it.


class NeoPixel:
    ORDER = (1, 0, 2, 3)

    def __init__(self, pin, n, bpp=3, timing=1):
        self.pin = pin
        self.n = n
        self.bpp = bpp
        self.pixels = [(0,) * bpp for _ in range(n)]
        self.written = None

    def __len__(self):
        return self.n

    def __setitem__(self, i, colour):
        self.pixels[i] = tuple(colour)

    def __getitem__(self, i):
        return self.pixels[i]

    def fill(self, colour):
        for i in range(self.n):
            self.pixels[i] = tuple(colour)

    def write(self):
        self.written = list(self.pixels)
