"""The board reboots by itself, between calls and during one (belay-run issue: fault injection).

    reboots.py PORT
"""
import sys
import time

import belay
from testlib import expect

PORT = sys.argv[1]
# The unix board's process dies 0.3 s from now; its wrapper restarts it and prints the reboot
# banner, as a board that reset (brown-out, watchdog) does.
REBOOT_SOON = "import os; os.system('(sleep 0.3; kill $PPID) &')"


def rebooted_between_calls(attempts):
    device = belay.Device(PORT, attempts=attempts)

    @device.setup
    def setup():
        counter = 41

    setup()
    device(REBOOT_SOON)
    time.sleep(1.5)
    return device


# Without reconnect attempts: a clear ConnectionLost, soon.
device = rebooted_between_calls(0)
t0 = time.monotonic()
error = expect(belay.ConnectionLost, lambda: device("counter + 1"))
assert time.monotonic() - t0 < 1.0, time.monotonic() - t0
assert "rebooted" in str(error), error
device.close()

# With attempts: the recorded setup is replayed once and the call retried.
device = rebooted_between_calls(1)
assert device("counter + 1") == 42
device.close()

# During a call: the call ends with ConnectionLost instead of waiting forever.
device = belay.Device(PORT)
t0 = time.monotonic()
error = expect(belay.ConnectionLost, lambda: device(REBOOT_SOON + "; import time; time.sleep(30)"))
assert time.monotonic() - t0 < 2.0, time.monotonic() - t0
assert "rebooted" in str(error), error
device.close()
print("reboots ok")
