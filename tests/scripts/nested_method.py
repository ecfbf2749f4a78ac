"""Nested functions and method-shaped functions are tasks too; registration on device.task."""
import sys

import belay
from testlib import startup_options

device = belay.Device(sys.argv[1], **startup_options(sys.argv))


def make_task():
    @device.task
    def scaled(x):
        # nested, indented, with a multi-line string whose lines must not be touched
        text = """keep
  this"""
        return x * 3, text

    return scaled


class Helpers:
    @device.task
    def method_like(a, b=2):
        return a - b


scaled = make_task()
assert scaled(2) == (6, "keep\n  this"), scaled(2)
assert scaled.__name__ == "scaled"
assert Helpers.method_like(5) == 3
assert Helpers().method_like(5, b=1) == 4
assert device.task.scaled is scaled
assert device.task.method_like(1, 1) == 0


@device.task(register=False)
def unregistered():
    return 1


assert not hasattr(device.task, "unregistered")
assert unregistered() == 1

try:

    @device.task
    def __belay_reserved():
        pass

except belay.SpecialFunctionNameError:
    pass
else:
    raise AssertionError("reserved name accepted")
print("nested ok")
