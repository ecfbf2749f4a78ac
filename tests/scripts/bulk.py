"""Large arguments and results: binary-safe, exact, whole windows."""
import os
import sys

import belay
from testlib import startup_options

device = belay.Device(sys.argv[1], **startup_options(sys.argv))


@device.task
def echo(value):
    return value


@device.task
def digest(data):
    # A checksum computed on the board proves the bytes arrived intact.
    total = 0
    for i, b in enumerate(data):
        total = (total * 31 + b + i) & 0xFFFFFFFF
    return len(data), total


def host_digest(data):
    total = 0
    for i, b in enumerate(data):
        total = (total * 31 + b + i) & 0xFFFFFFFF
    return len(data), total


blob = os.urandom(65536)
assert digest(blob) == host_digest(blob)
assert echo(blob) == blob
text = b"printable text, mostly " * 3000
assert echo(text) == text
assert echo(bytearray(blob[:5000])) == bytearray(blob[:5000])
assert type(echo(bytearray(b"short"))) is bytearray
numbers = list(range(10000))
assert echo(numbers) == numbers
mixed = [{"i": i, "s": str(i) * 3, "f": i / 7} for i in range(1000)]
assert echo(mixed) == mixed
print("bulk ok")
