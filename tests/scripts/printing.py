"""Board output reaches the host's stdout as it is printed, exactly, never glued to results."""
import sys
import time

import belay

device = belay.Device(sys.argv[1])


@device.task
def chatty(n):
    for i in range(n):
        print("line", i)
    print("no newline", end="")
    print(" -- continued", end="")
    return n


@device.task
def partial_then_result():
    print("tail without newline", end="")
    return 7


@device.task
def slow():
    print("early")
    start = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), start) < 800:
        pass
    return "late"


print("[begin]")
print("[result]", chatty(2))
print("[result]", partial_then_result())
assert device("print('from device()', end='')") is None
print("[end]")


class Recorder:
    def __init__(self):
        self.events = []

    def write(self, text):
        self.events.append((time.monotonic(), text))
        return len(text)

    def flush(self):
        pass


recorder = Recorder()
real_stdout, sys.stdout = sys.stdout, recorder
t0 = time.monotonic()
result = slow()
t1 = time.monotonic()
sys.stdout = real_stdout
assert result == "late", result
# When the host had received all of "early" (boards may send it in several pieces)...
seen = ""
early = None
for t, text in recorder.events:
    seen += text
    if early is None and "early" in seen:
        early = t
assert early is not None, recorder.events
# ...the board was still busy: the text was not held back until the result.
assert t1 - early > 0.4, (early - t0, t1 - t0)
print("[streamed]")
