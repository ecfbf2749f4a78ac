"""Minimal ST7735S driver for the Waveshare Pico-LCD-0.96 (160x80, RGB565) on an RP2040."""
import framebuf
from machine import PWM, SPI, Pin

WIDTH, HEIGHT = 160, 80


class LCD(framebuf.FrameBuffer):
    def __init__(self):
        self.buffer = bytearray(WIDTH * HEIGHT * 2)
        super().__init__(self.buffer, WIDTH, HEIGHT, framebuf.RGB565)
        self.cs, self.dc, self.rst = Pin(9, Pin.OUT, value=1), Pin(8, Pin.OUT), Pin(12, Pin.OUT)
        self.spi = SPI(1, 10_000_000, polarity=0, phase=0, sck=Pin(10), mosi=Pin(11))
        PWM(Pin(13), freq=1000, duty_u16=32768)  # backlight
        self.rst(0)
        self.rst(1)
        for cmd, data in (
            (0x11, b""),  # sleep out
            (0x21, b""),  # inversion on (this panel needs it)
            (0x36, b"\x70"),  # landscape, BGR
            (0x3A, b"\x05"),  # 16 bits per pixel
            (0x29, b""),  # display on
        ):
            self.command(cmd, data)

    def command(self, cmd, data=b""):
        self.cs(0)
        self.dc(0)
        self.spi.write(bytes([cmd]))
        if data:
            self.dc(1)
            self.spi.write(data)
        self.cs(1)

    def show(self):
        # The panel's visible window starts at column 1, row 26.
        self.command(0x2A, bytes([0, 1, 0, WIDTH]))
        self.command(0x2B, bytes([0, 26, 0, 26 + HEIGHT - 1]))
        self.command(0x2C, self.buffer)
