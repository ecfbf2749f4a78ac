"""What crosses the wire: a connect sends only what every script needs; codecs and float helpers
come with the first value that needs them, and results stay exact on the way.

    wire_bytes.py PORT STATS   (STATS: the test board's byte counters, board.py --stats)
"""
import struct
import sys
import time

import belay

port, stats = sys.argv[1], sys.argv[2]


def counters():
    with open(stats, "rb") as f:
        return struct.unpack("<QQ", f.read(16))


def settled():
    """The counters once the link is quiet (the board's last bytes counted)."""
    last = counters()
    while True:
        time.sleep(0.05)
        now = counters()
        if now == last:
            return now
        last = now


before = settled()
device = belay.Device(port)
after = settled()
sent, received = after[0] - before[0], after[1] - before[1]
# Enter, soft reset, the helpers, the convenience imports, 5 to 10 clock readings.
assert sent < 1000 and received < 600, (sent, received)
print(f"connect: {sent} bytes sent, {received} received")


@device.task
def blob():
    return bytes(range(256)) * 4


@device.task
def floats():
    return [0.1 + 0.2, 1 / 3, {"x": 2.5e-300}]


@device.task
def words():
    return ["one.two", "e"]


expected = bytes(range(256)) * 4
sizes = []
for _ in range(2):
    start = counters()
    assert blob() == expected
    sizes.append(counters()[1] - start[1])
# The first came back as a literal (the codecs were not needed until then), the second as base64.
assert sizes[1] < sizes[0] * 0.6, sizes
print(f"bytes result: {sizes[0]} then {sizes[1]} bytes received")


@device.task
def echo(value):
    return value


def sent_for(value):
    """Bytes sent to the board for an echo of value (checked on the way back)."""
    start = counters()
    assert echo(value) == value
    return counters()[0] - start[0]


# Text that compresses goes compressed (the unix port has deflate); a ramp of ints goes as one
# byte per difference.
source = open(__file__, "rb").read()
sent = sent_for(source)
assert sent < len(source) * 0.7, (sent, len(source))
ramp = list(range(5000, 7000))
sent = sent_for(ramp)
assert sent < 1000, sent
assert echo([-(2**31), 2**31 - 1] * 20) == [-(2**31), 2**31 - 1] * 20

assert words() == ["one.two", "e"]
assert floats() == [0.1 + 0.2, 1 / 3, {"x": 2.5e-300}]
assert floats() == [0.1 + 0.2, 1 / 3, {"x": 2.5e-300}]
assert words() == ["one.two", "e"]
device.close()
print("wire bytes ok")
