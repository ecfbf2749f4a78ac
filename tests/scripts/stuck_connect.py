"""A board that stops answering in the middle of connecting.

    stuck_connect.py PORT SECONDS

Device(port, connect_timeout=SECONDS) must fail with ConnectionFailedError within about SECONDS,
naming the step that was waiting (the raw REPL banner after Ctrl-C, Ctrl-A) and what arrived before.
With SECONDS = 0 the script only connects, with a long bound: the test interrupts it.
"""
import sys
import time

import belay

port, seconds = sys.argv[1], float(sys.argv[2])
if seconds == 0:
    print("connecting", flush=True)
    belay.Device(port, connect_timeout=60)
    raise AssertionError("a silent board cannot be connected to")

t0 = time.monotonic()
try:
    belay.Device(port, connect_timeout=seconds)
except belay.ConnectionFailedError as e:
    took = time.monotonic() - t0
    message = str(e)
    assert "raw REPL banner after Ctrl-C, Ctrl-A" in message, message
    assert "connect" in message and "timed out" in message, message
    assert type(e) is belay.ConnectionFailedError, type(e)
    print(f"failed after {took:.2f} s: {message}")
else:
    raise AssertionError("a silent board cannot be connected to")
print("stuck connect ok")
