"""A CircuitPython board that soft-reboots (CircuitPython's `soft reboot` text, no `MPY:`).

    circuitpython_reboots.py PORT CASE

CASE: `reload-reconnect` (supervisor.reload(), then device.reconnect() by hand),
`between-calls` (the board reboots by itself between two calls; attempts=1 recovers),
`reload-then-call` (supervisor.reload(), then a call: attempts=1 must recover).
"""
import sys
import time

import belay

PORT, CASE = sys.argv[1], sys.argv[2]
device = belay.Device(PORT, attempts=1)


@device.setup
def setup():
    counter = 41


setup()
if CASE == "between-calls":
    # The board process dies 0.3 s from now; board.py restarts it and prints CircuitPython's
    # reboot text, as a board does after a watchdog or brown-out reset.
    device("from _cpreal import os as _os; _os.system('(sleep 0.3; kill $PPID) 2>/dev/null &')")
    time.sleep(1.5)
else:
    try:
        device("supervisor.reload()")
    except belay.BelayException:
        pass  # the board rebooted before it could answer
    if CASE == "reload-reconnect":
        device.reconnect()
assert device("counter + 1") == 42
assert device("sys.implementation.name") == "circuitpython"
device.close()
print(f"{CASE} ok")
