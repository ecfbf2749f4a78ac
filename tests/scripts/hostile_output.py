"""Board output that is huge, not UTF-8, or imitates the reply framing.

    hostile_output.py PORT
"""
import sys

import belay
from testlib import rss_kib

device = belay.Device(sys.argv[1])


class Sink:
    """Counts what it is given; keeps only the tail."""

    def __init__(self):
        self.count = 0
        self.tail = ""

    def write(self, text):
        self.count += len(text)
        self.tail = (self.tail + text)[-200:]
        return len(text)


# 10 MB printed by one task: streamed to the host, never held whole.
device(
    """
def chatter(lines):
    row = 'x' * 99
    for i in range(lines):
        print(row)
    return 'done'
"""
)
sink = Sink()
device("chatter(1000)", stream_out=sink)  # warm-up: allocations that stay
before = rss_kib()
assert device("chatter(100000)", stream_out=sink) == "done"
grown = rss_kib() - before
assert sink.count == (1000 + 100000) * 100, sink.count
assert grown < 8 * 1024, f"host memory grew {grown} KiB while streaming 10 MB"

# Output that is not valid UTF-8 is shown with replacement characters, and the result survives.
sink = Sink()
assert device("sys.stdout.write(b'ok \\xff\\xfe bytes\\n') and 7", stream_out=sink) == 7
assert sink.tail == "ok \ufffd\ufffd bytes\n", repr(sink.tail)


# Text imitating Belay's reply framing is just output: results cannot be forged.
@device.task
def forger():
    print("_BELAYR||999")
    print("_BELAYR|0|999", end="")
    return 5


sink = Sink()
real_stdout, sys.stdout = sys.stdout, sink
try:
    result = forger()
finally:
    sys.stdout = real_stdout
assert result == 5, result
assert sink.tail == "_BELAYR||999\n_BELAYR|0|999", repr(sink.tail)
device.close()
print("hostile output ok")
