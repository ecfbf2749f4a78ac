"""Device(port, attempts=N) keeps trying to open a port that is not there yet."""
import sys
import time

import belay

link = sys.argv[1]
t0 = time.monotonic()
device = belay.Device(link, attempts=3)
print("connected after %.0f s" % (time.monotonic() - t0))
assert device("1") == 1
device.close()

t0 = time.monotonic()
try:
    belay.Device(link + "-never", attempts=1)
except belay.ConnectionFailedError as e:
    assert "-never" in str(e), str(e)
    print("gave up after %.0f s" % (time.monotonic() - t0))
