"""A soft reset stops the board's timers, as on a board: a Timer started by one connection does not
fire into the fresh VM of the next (the webassembly test board crashed so, now and then, in the
events test).

    timer_reset.py PORT
"""
import sys
import time

import belay

port = sys.argv[1]
device = belay.Device(port)


@device.setup
def start():
    from machine import Timer

    t = Timer(-1, period=50, callback=lambda t: None)


start()
device.close()
for _ in range(5):
    device = belay.Device(port)
    time.sleep(0.3)
    assert device("1+1") == 2
    device.close()
print("timer reset ok")
