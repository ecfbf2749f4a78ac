"""A task fails on the board, called through two host functions; nobody catches it: belay-run's
report shows the board line and every host call that led to it, outermost first.

    call_chain.py PORT
"""
import sys

import belay

device = belay.Device(sys.argv[1])


@device.task
def scale(a):
    return undefined_name * a  # BOARD-LINE


def inner(x):
    return scale(x) + 1  # INNER-CALL


def outer():
    return inner(2) * 2  # OUTER-CALL


print("before the call")
outer()  # MODULE-CALL
print("not reached")
