"""Property test: random Python literal values round-trip host -> board -> host exactly.

    literal_roundtrip.py PORT COUNT SEED

COUNT values (nested containers, unicode text, bytes, ints up to 2**300, floats from random bit
patterns including inf, -inf, nan, -0.0 and subnormals) are sent to a task in batches and must come
back identical: same types all the way down, floats bit for bit (nan as nan, -0.0 keeping its sign).
A failure prints the seed and the smallest failing value of its batch.
"""
import math
import random
import struct
import sys

import belay
from testlib import board_heap_free, startup_options

PORT, COUNT, SEED = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
BATCH = 100
rng = random.Random(SEED)
device = belay.Device(PORT, **startup_options(sys.argv))


@device.task
def echo(values):
    return values


SPECIAL_FLOATS = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 5e-324, -5e-324,
                  2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1e16, 1e22, 1e23]
EDGE_INTS = [0, 1, -1, 2**30 - 1, 2**30, -(2**30), 2**31, 2**62, 2**63 - 1, 2**63, -(2**63),
             -(2**63) - 1, 2**64, 2**64 - 1]
TEXT_CHARS = "aZ09 '\"\\\n\r\t\x00\x1f\x7f\x80\xff\u00e9\u2603\ufffd\U0001F600\U0010FFFF"


def rand_float():
    if rng.random() < 0.2:
        return rng.choice(SPECIAL_FLOATS)
    if rng.random() < 0.5:
        return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    return round(rng.uniform(-1e6, 1e6), rng.randrange(0, 8))


def rand_int():
    r = rng.random()
    if r < 0.2:
        return rng.choice(EDGE_INTS) * rng.choice((1, -1))
    if r < 0.6:
        return rng.randrange(-1000, 1000)
    bits = rng.randrange(1, 300)
    return rng.getrandbits(bits) * rng.choice((1, -1))


def rand_char():
    r = rng.random()
    if r < 0.5:
        return rng.choice(TEXT_CHARS)
    if r < 0.8:
        return chr(rng.randrange(0x20, 0x7F))
    c = rng.randrange(0x80, 0x110000)
    # Lone surrogates cannot be encoded as UTF-8, so no board string holds one.
    return chr(c) if not 0xD800 <= c <= 0xDFFF else "\u00e9"


def rand_str():
    return "".join(rand_char() for _ in range(rng.randrange(0, 12)))


def rand_bytes():
    return bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 16)))


def rand_key(depth):
    """A hashable value (floats left out: a nan key never equals itself)."""
    r = rng.random()
    if r < 0.4:
        return rand_str()
    if r < 0.7:
        return rand_int()
    if r < 0.85 or depth > 2:
        return rand_bytes()
    return tuple(rand_key(depth + 1) for _ in range(rng.randrange(0, 3)))


def rand_value(depth=0):
    r = rng.random()
    if depth > 3:
        r *= 0.6  # leaves only
    if r < 0.05:
        return rng.choice((None, True, False))
    if r < 0.2:
        return rand_int()
    if r < 0.35:
        return rand_float()
    if r < 0.5:
        return rand_str()
    if r < 0.6:
        return rand_bytes()
    n = rng.randrange(0, 5)
    if r < 0.7:
        return [rand_value(depth + 1) for _ in range(n)]
    if r < 0.8:
        return tuple(rand_value(depth + 1) for _ in range(n))
    if r < 0.9:
        return {rand_key(depth + 1): rand_value(depth + 1) for _ in range(n)}
    return {rand_key(depth + 1) for _ in range(n)}


def same(a, b):
    """Equal, of the same types all the way down; floats compared bit for bit."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, set):
        return a == b and all(any(same(x, y) for y in b) for x in a)
    return a == b


done = 0
free_at_start = None
while done < COUNT:
    batch = [rand_value() for _ in range(min(BATCH, COUNT - done))]
    got = echo(batch)
    if not same(got, batch):
        for value in sorted(batch, key=lambda v: len(repr(v))):
            back = echo(value)
            if not same(back, value):
                raise AssertionError(f"seed {SEED}: sent {value!r}, got back {back!r}")
        raise AssertionError(f"seed {SEED}: the batch differs, but each value alone round-trips")
    done += len(batch)
    if free_at_start is None:
        free_at_start = board_heap_free(device)
# Every distinct short str/bytes literal the board parses is interned for good: values must be sent
# so that they are not, or a long-running host exhausts the board's heap.
lost = free_at_start - board_heap_free(device)
assert lost < 32 * 1024, f"the board lost {lost} bytes of heap for good"
device.close()
print(f"{done} values round-tripped (seed {SEED})")
