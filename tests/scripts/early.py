"""With --port, the connection is made while the interpreter starts; Device() adopts it."""
import sys
import time

import belay

port, mode = sys.argv[1], sys.argv[2]
if mode == "adopt":
    t0 = time.perf_counter()
    device = belay.Device(port)
    assert device("1 + 1") == 2
    print("adopted")
elif mode == "other-settings":
    # Different settings: the early connection is dropped and a new one made.
    device = belay.Device(port, baudrate=57600, startup="")
    assert device("2 + 2") == 4
    print("reconnected")
elif mode == "twice":
    first = belay.Device(port)
    first.close()
    second = belay.Device(port)
    assert second("3") == 3
    print("twice")
else:
    print("no device")
