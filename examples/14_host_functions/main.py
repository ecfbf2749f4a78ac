"""Host functions: board code calls functions that run on the host, and gets their results.

    belay-run examples/14_host_functions/main.py --port /dev/ttyACM0

`@device.host` makes a host function callable from board code while a call runs on the board
(a task, a setup, a generator). Arguments and results are Python literals both ways; an exception
on the host is raised on the board as a RuntimeError that names the host function.
"""
import argparse

import belay

parser = argparse.ArgumentParser(description="Board code calling host functions.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
args = parser.parse_args()

device = belay.Device(args.port)
config = {"limit": 4, "greeting": "hello from the host"}


@device.host
def lookup(key):
    return config[key]


@device.host
def log(message):
    print(f"board: {message}")


@device.task
def work():
    total = 0
    for i in range(lookup("limit")):
        total += i
        log(f"step {i}, total {total}")
    return total


@device.task
def greet():
    return lookup("greeting").upper()


@device.task
def missing():
    try:
        return lookup("no such key")
    except RuntimeError as e:
        return f"the board caught: {e}"


@device.task
def countdown():
    for i in range(lookup("limit"), 0, -1):
        yield i


print(f"work() -> {work()}")
print(f"greet() -> {greet()}")
print(missing())
print(f"countdown -> {list(countdown())}")
