"""Board → host events and host functions (README "Events and host functions").

    events.py PORT BACKGROUND [--no-startup]

BACKGROUND says how the board can emit while no call runs: `thread` (_thread), `timer` (the
machine.Timer stand-in), or `none` (CircuitPython: no background code at all). With --no-startup the device is made with `startup=""`.
"""
import sys
import threading
import time

import belay
from testlib import expect, startup_options

port, background = sys.argv[1], sys.argv[2]
device = belay.Device(port, attempts=1, **startup_options(sys.argv[3:]))

# --- events during a call, in order, with host times --------------------------------------------
during = []


@device.on("during")
def on_during(value, when):
    during.append((value, when, threading.current_thread().name))


@device.task
def emit_many(name, n):
    for i in range(n):
        belay_emit(name, i)
    return n


def settle(cond, limit=10.0):
    deadline = time.time() + limit
    while not cond():
        assert time.time() < deadline, "events did not arrive"
        time.sleep(0.01)


t0 = time.time()
assert emit_many("during", 20) == 20
settle(lambda: len(during) == 20)
t1 = time.time()
assert [v for v, _, _ in during] == list(range(20)), during
assert all(t0 - 1 <= w <= t1 for _, w, _ in during), (t0, t1, during[:2])
assert {n for _, _, n in during} == {"belay events"}, during[0]
assert threading.current_thread().name == "MainThread"

# --- a burst of 10 000: no loss, in order ---------------------------------------------------------
burst = []
device.on("burst")(lambda value, when: burst.append(value))
assert emit_many("burst", 10000) == 10000
settle(lambda: len(burst) == 10000, 60)
assert burst == list(range(10000))
assert device.events_dropped == 0

# --- the board's queue overflows: an exact count, reported ----------------------------------------
kept = []
device.on("flood")(lambda value, when: kept.append(value))


@device.task
def flood(n):
    # Hold the board's writer off (as a host that stopped reading would), then let it go. The
    # helper is swapped through globals(): binding its name in code is refused on the host.
    g = globals()
    writer, g["_BE"] = g["_BE"], lambda: None
    try:
        for i in range(n):
            belay_emit("flood", i)
    finally:
        g["_BE"] = writer
    writer()


flood(10000)
settle(lambda: device.events_dropped == 10000 - 64)
settle(lambda: len(kept) == 64)
assert kept == list(range(64)), kept[:5]
time.sleep(0.2)
assert device.events_dropped == 10000 - 64

# --- values of every kind; the catch-all; the synchronous forms -----------------------------------
values = [None, True, -(2**70), 1.5, "a\nb\x00'\"", b"\x00\xff" * 40, (1, [2, {3: "x"}]), {1, 2}]


@device.task
def emit_values(vs):
    for v in vs:
        belay_emit("value", v)


emit_values(values)
got = [device.wait_event("value", timeout=10).value for _ in values]
assert got == values, got
expect(TimeoutError, lambda: device.wait_event("value", timeout=0.2))
caught = []
device.on(None)(lambda name, value, when: caught.append((name, value)))
emit_many("unclaimed", 3)
settle(lambda: len(caught) == 3)
assert caught == [("unclaimed", 0), ("unclaimed", 1), ("unclaimed", 2)], caught

# --- ordinary output is never an event ------------------------------------------------------------
@device.task
def forge():
    print("\x1eabcde\x1dE('forged', 1, None)\x1f")
    print("\x1d\x1fE('forged', 2, None)")
    belay_emit("after_forgery", 1)


forge()
settle(lambda: ("after_forgery", 1) in caught)
assert not any(name == "forged" for name, _ in caught), caught

# --- a raising callback is reported and the device goes on ----------------------------------------
seen = []


@device.on("fragile")
def fragile(value, when):
    seen.append(value)
    if value == 1:
        raise ZeroDivisionError("callback failure on purpose")


emit_many("fragile", 3)
settle(lambda: len(seen) == 3)
assert seen == [0, 1, 2]
assert emit_many("during", 1) == 1

# --- host functions -------------------------------------------------------------------------------
calls = []


@device.host
def echo(*args, **kwargs):
    calls.append((args, kwargs))
    return args, kwargs


@device.host
def fails(x):
    raise KeyError(x)


@device.task
def ask_echo():
    return echo(1, "two", b"3", [4.25], key={"k": None})


assert ask_echo() == ((1, "two", b"3", [4.25]), {"key": {"k": None}})


@device.task
def ask_fails():
    try:
        fails("nope")
    except RuntimeError as e:
        return str(e)


message = ask_fails()
assert message == "host function fails() raised KeyError: 'nope'", message


@device.task
def ask_from_generator(n):
    for i in range(n):
        yield echo(i)[0][0] * 10


assert list(ask_from_generator(3)) == [0, 10, 20]


@device.task
def board_twice(x):
    return 2 * x


@device.host
def nested(x):
    return board_twice(x)


@device.task
def ask_nested():
    try:
        nested(3)
    except RuntimeError as e:
        return str(e)


message = ask_nested()
assert "nested calls are not supported" in message and "nested()" in message, message


@device.setup
def setup_asks():
    asked = echo("from setup")


setup_asks()
assert calls[-1] == (("from setup",), {}), calls[-1]


# A command longer than a raw-paste window (sent in raw-paste where the board has it).
@device.setup
def long_setup_asks():
    padding = "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"
    asked = echo(len(padding))


long_setup_asks()
assert calls[-1] == ((600,), {}), calls[-1]

# An uncaught host exception is the board's exception, naming the host function.
@device.task
def ask_fails_uncaught():
    fails(7)


e = expect(belay.PyboardException, ask_fails_uncaught)
assert "host function fails() raised KeyError: 7" in str(e), str(e)

# --- between calls: the board emits while the host waits ------------------------------------------
if background != "none":
    idle = []
    done = threading.Event()

    @device.on("idle")
    def on_idle(value, when):
        idle.append(value)
        if len(idle) == 5:
            done.set()

    if background == "thread":

        @device.thread
        def start_background():
            import time

            for i in range(5):
                time.sleep_ms(30)
                belay_emit("idle", i)
            print("printed between calls")

    else:

        @device.setup
        def start_background():
            from machine import Timer

            count = [0]

            def tick(t):
                belay_emit("idle", count[0])
                count[0] += 1
                if count[0] == 5:
                    t.deinit()
                    print("printed between calls")

            Timer(-1, mode=Timer.PERIODIC, period=30, callback=tick)

    start_background()
    assert done.wait(10), idle
    assert idle == [0, 1, 2, 3, 4], idle
    time.sleep(0.2)

# --- calls while the board emits: frames land in every part of the protocol ----------------------
if background != "none":
    busy = []
    device.on("busy")(lambda value, when: busy.append(value))

    @device.task
    def echo_back(x):
        return x

    if background == "thread":

        @device.thread
        def emit_busy(n):
            import time

            for i in range(n):
                time.sleep_ms(2)
                belay_emit("busy", i)

    else:

        @device.setup
        def emit_busy(n):
            from machine import Timer

            sent = [0]

            def tick(t):
                belay_emit("busy", sent[0])
                sent[0] += 1
                if sent[0] == n:
                    t.deinit()

            Timer(-1, mode=Timer.PERIODIC, period=2, callback=tick)

    emit_busy(300)
    big = bytes(range(256)) * 8
    deadline = time.time() + 30
    calls_made = 0
    while len(busy) < 300:
        assert time.time() < deadline, len(busy)
        assert echo_back(calls_made) == calls_made
        assert echo_back(big) == big
        calls_made += 1
    assert busy == list(range(300)), busy[:10]
    assert calls_made > 10, calls_made
    assert device.events_dropped == 10000 - 64


# --- from a scheduled callback (how a hard IRQ handler emits) ------------------------------------
if background != "none":
    scheduled = []
    device.on("scheduled")(lambda value, when: scheduled.append(value))

    @device.task
    def schedule_emit():
        import micropython

        def later(v):
            belay_emit("scheduled", v)

        micropython.schedule(later, 42)
        for _ in range(100):
            pass

    schedule_emit()
    settle(lambda: scheduled == [42])


# --- a reconnect keeps callbacks and host functions -----------------------------------------------
device.reconnect()
during.clear()
assert emit_many("during", 3) == 3
settle(lambda: len(during) == 3)
assert ask_echo()[0][0] == 1
device.close()

# --- the class form ---------------------------------------------------------------------------
class Sensor(belay.Device):
    @belay.Device.on("level")
    def level(self, value, when):
        self.levels.append(value)

    @belay.Device.on(None)
    def anything(self, name, value, when):
        self.others.append(name)

    @belay.Device.host
    def scale(self, x):
        return x * self.factor

    @belay.Device.host(name="offset_by")
    def offset(self, x):
        return x + 1

    @belay.Device.task
    def measure(n):
        belay_emit("level", scale(n))
        belay_emit("other", 0)
        return offset_by(n)

    def __pre_autoinit__(self):
        self.levels, self.others, self.factor = [], [], 3


sensor = Sensor(port)
assert sensor.measure(5) == 6
settle(lambda: sensor.levels == [15] and sensor.others == ["other"])
sensor.close()
print("events ok")
