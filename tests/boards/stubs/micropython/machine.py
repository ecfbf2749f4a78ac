# A stand-in for MicroPython's `machine` module, placed on a test board's own import path.
# It keeps state the way the hardware would (a pin remembers its value) so examples can run
# unchanged and tests can check what the board did.

PIN_LOG = []


class Pin:
    IN = 0
    OUT = 1
    OPEN_DRAIN = 2
    PULL_UP = 1
    PULL_DOWN = 2
    IRQ_RISING = 1
    IRQ_FALLING = 2

    def __init__(self, id, mode=-1, pull=-1, *, value=None):
        self.id = id
        self.mode = mode
        self.pull = pull
        self._value = 0
        if value is not None:
            self.value(value)

    def init(self, mode=-1, pull=-1, *, value=None):
        if mode != -1:
            self.mode = mode
        if pull != -1:
            self.pull = pull
        if value is not None:
            self.value(value)

    def value(self, x=None):
        if x is None:
            return self._value
        self._value = 1 if x else 0
        PIN_LOG.append((self.id, self._value))

    def __call__(self, x=None):
        return self.value(x)

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)

    high = on
    low = off

    def toggle(self):
        self.value(not self._value)

    def irq(self, handler=None, trigger=3):
        self._irq = handler

    def __repr__(self):
        return "Pin(%r)" % (self.id,)


_ADC_READS = [0]


class ADC:
    def __init__(self, pin, *, atten=None):
        self.pin = pin

    def read_u16(self):
        # Successive reads differ like a real sensor's. Channel 4 is the RP2040's temperature
        # sensor: about 0.706 V at 27 C, falling 1.721 mV per degree (readings of 24-30 C).
        _ADC_READS[0] += 1
        n = _ADC_READS[0]
        if self.pin == 4:
            return 14020 + (n % 7 - 3) * 70
        return (n * 1237) & 0xFFFF

    def read(self):
        return self.read_u16() >> 4

    def read_uv(self):
        return self.read_u16() * 3300000 // 65535


class PWM:
    def __init__(self, dest, *, freq=1000, duty_u16=0, duty_ns=None, invert=False):
        self.dest = dest
        self._freq = freq
        self._duty = duty_u16
        self.active = True

    def freq(self, value=None):
        if value is None:
            return self._freq
        self._freq = value

    def duty_u16(self, value=None):
        if value is None:
            return self._duty
        self._duty = value

    def duty_ns(self, value=None):
        if value is None:
            return self._duty * 1000000000 // (65535 * self._freq)
        self._duty = value * self._freq * 65535 // 1000000000

    def init(self, *, freq=None, duty_u16=None):
        if freq is not None:
            self._freq = freq
        if duty_u16 is not None:
            self._duty = duty_u16

    def deinit(self):
        self.active = False


class Timer:
    """Fires like a board's soft timer: `callback(timer)` every `period` ms (once for ONE_SHOT),
    while board code runs and while the board idles in its REPL. On a board with threads (the unix
    port) a thread calls it; on the webassembly port, the JavaScript event loop (js.belaySetTimeout,
    which a soft reset stops),
    through micropython.schedule while board code runs."""

    ONE_SHOT = 0
    PERIODIC = 1

    def __init__(self, id=-1, *, mode=1, period=-1, freq=-1, callback=None):
        self.id = id
        self.callback = None
        self._generation = 0
        self.init(mode=mode, period=period, freq=freq, callback=callback)

    def init(self, *, mode=1, period=-1, freq=-1, callback=None):
        self.deinit()
        self.mode = mode
        self.period = period if period > 0 else (1000 // freq if freq > 0 else 1000)
        self.callback = callback
        if callback is not None:
            self._start(self._generation)

    def deinit(self):
        self._generation += 1
        self.callback = None

    def _fire(self, generation):
        if generation != self._generation or self.callback is None:
            return False
        self.callback(self)
        return self.mode != Timer.ONE_SHOT and generation == self._generation

    def _start(self, generation):
        try:
            import _thread
        except ImportError:
            _thread = None
        if _thread is not None:
            import time

            def run():
                while True:
                    time.sleep_ms(self.period)
                    if not self._fire(generation):
                        return

            _thread.start_new_thread(run, ())
            return
        import js
        import micropython

        def fire(_=None):
            if self._fire(generation):
                js.belaySetTimeout(tick, self.period)

        def tick(*_):
            # While board code runs, the callback waits for a safe point (the scheduler), as a
            # board's soft timer does; the board wrapper says when code runs (wasm_board.mjs).
            if js.belayCodeRunning:
                micropython.schedule(fire, None)
            else:
                fire()

        # The board wrapper's setTimeout: a soft reset stops it (wasm_board.mjs).
        js.belaySetTimeout(tick, self.period)


class I2C:
    def __init__(self, id=0, *, scl=None, sda=None, freq=400000):
        self.id = id
        self._mem = {}

    def scan(self):
        return sorted(set(addr for addr, _ in self._mem))

    def writeto_mem(self, addr, memaddr, buf):
        self._mem[(addr, memaddr)] = bytes(buf)

    def readfrom_mem(self, addr, memaddr, nbytes):
        data = self._mem.get((addr, memaddr), b"")
        return (data + bytes(nbytes))[:nbytes]

    def writeto(self, addr, buf, stop=True):
        self._mem[(addr, None)] = bytes(buf)
        return len(buf)

    def readfrom(self, addr, nbytes, stop=True):
        return self.readfrom_mem(addr, None, nbytes)


class SPI:
    def __init__(self, id=0, baudrate=1000000, *, polarity=0, phase=0, sck=None, mosi=None, miso=None):
        self.id = id
        self.sent = b""

    def write(self, buf):
        self.sent += bytes(buf)

    def read(self, nbytes, write=0):
        return bytes([write]) * nbytes

    def write_readinto(self, write_buf, read_buf):
        self.sent += bytes(write_buf)
        for i in range(len(read_buf)):
            read_buf[i] = write_buf[i]


def freq(hz=None):
    return 125000000


def unique_id():
    return b"\xbe\x1a\x70\x00"


def reset():
    raise SystemExit
