"""Device(attempts=N): a board that disappears is reconnected, its state rebuilt from the recorded
commands, and the failed call tried once more (the test swaps the board behind the port)."""
import sys

import belay

link = sys.argv[1]
device = belay.Device(link, attempts=5)


@device.setup
def setup(start):
    counter = start


@device.task
def bump():
    global counter
    counter += 1
    return counter


setup(100)
assert bump() == 101  # task calls are not recorded: a replay will not repeat them
device("n = 0")
device("n += 1")
assert device("n") == 1
print("ready", flush=True)
sys.stdin.readline()  # the test replaces the board now

device("n += 1")  # fails on the vanished board, reconnects, replays, runs once more
assert device("n") == 2, device("n")  # the failed command ran once, not twice
assert bump() == 101  # the setup was replayed
print("replayed", flush=True)

device.reconnect()
assert device("n") == 2 and bump() == 101
print("explicit reconnect", flush=True)

device.close()

quiet = belay.Device(link)  # attempts=0: nothing is recorded
try:
    quiet.reconnect()
except belay.BelayException as e:
    raise AssertionError(f"reconnect without history should work: {e}")
quiet.close()

full = belay.Device(link, attempts=1)
for _ in range(1000):
    full("x = 1")
try:
    full.reconnect()
except belay.MaxHistoryLengthError:
    print("history full")
