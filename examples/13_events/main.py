"""Board → host events: a board timer emits readings, the host takes each one as it happens.

    belay-run examples/13_events/main.py --port /dev/ttyACM0 --count 5

`belay_emit(name, value)` on the board sends an event; `@device.on(name)` runs a host callback
for each one, on the device's event thread, while the host script does something else (here it
only waits). No polling: an event reaches the host when it is emitted, during a call or while the
board idles between calls.
"""
import argparse
import threading

import belay

parser = argparse.ArgumentParser(description="Print readings a board timer emits.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--count", "-n", type=int, default=5, help="readings to take (default: 5)")
parser.add_argument("--period", type=int, default=200, help="milliseconds between readings (default: 200)")
args = parser.parse_args()

device = belay.Device(args.port)
readings = []
done = threading.Event()


@device.on("reading")
def on_reading(value, when):
    readings.append(value)
    print(f"reading {len(readings)}: {value}")
    if len(readings) == args.count:
        done.set()


@device.setup
def start(period_ms, count):
    from machine import ADC, Pin, Timer

    adc = ADC(Pin(26))
    emitted = [0]

    def tick(timer):
        emitted[0] += 1
        belay_emit("reading", adc.read_u16())
        if emitted[0] == count:
            timer.deinit()

    timer = Timer(-1, mode=Timer.PERIODIC, period=period_ms, callback=tick)


start(args.period, args.count)
if not done.wait(timeout=10 + args.count * args.period / 1000):
    print("timed out")
print(f"{len(readings)} readings, {device.events_dropped} dropped")
