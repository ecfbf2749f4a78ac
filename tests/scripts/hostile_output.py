"""Board output that is huge, not UTF-8, or imitates the reply framing.

    hostile_output.py PORT
"""
import sys
import time

import belay
from testlib import rss_kib

device = belay.Device(sys.argv[1])


class Sink:
    """Counts what it is given; keeps only the tail; notes the host's peak memory as it is written
    to. With `stall`, a consumer that stops for that long at its first write: the board keeps
    printing meanwhile and must be held back (flow control), not buffered on the host."""

    def __init__(self, stall=0.0):
        self.count = 0
        self.tail = ""
        self.stall = stall
        self.writes = 0
        self.peak = 0
        self.at_stall = 0

    def write(self, text):
        self.count += len(text)
        self.tail = (self.tail + text)[-200:]
        self.writes += 1
        if self.writes == 1 and self.stall:
            time.sleep(self.stall)
            self.at_stall = rss_kib()
        if self.writes % 16 == 0:
            self.peak = max(self.peak, rss_kib())
        return len(text)


# 10 MB printed by one task: streamed to the host, never held whole. The transport holds at most
# 256 KiB of output in flight plus one 64 KiB read (docs/protocol.md, bounds); what else moves is
# the allocator's (it takes memory in 2-4 MiB steps). Then a consumer that stalls for 2 s while
# the board could print all 10 MB: the host holds back the board instead of buffering.
device(
    """
def chatter(lines):
    row = 'x' * 99
    for i in range(lines):
        print(row)
    return 'done'
"""
)
# The allocator takes memory in 2 MiB steps: the limits leave room for a few. Streaming, the
# growth measured 0-6 MiB, with spikes to 12 MiB (allocator and collector timing, seen once in
# several CI runs): the limit is 16 MiB, below what keeping the output would cost (110 000 lines
# as str objects, over 16 MiB). The sharp check is the stall: an unbounded buffer would hold most
# of the 10 MB there, a bounded one holds 0 KiB.
for stall in (0.0, 2.0):
    sink = Sink(stall)
    device("chatter(10000)", stream_out=sink)  # warm-up (1 MB): the allocations that stay
    before = rss_kib()
    sink.peak = before
    sink.writes = 0
    assert device("chatter(100000)", stream_out=sink) == "done"
    assert sink.count == 110000 * 100, sink.count
    grown = max(sink.peak, rss_kib()) - before
    print(f"host memory grew {grown} KiB at most while streaming 10 MB")
    assert grown < 16 * 1024, f"host memory grew {grown} KiB while streaming 10 MB"
    if stall:
        held = sink.at_stall - before
        print(f"host memory grew {held} KiB while the consumer stalled for {stall:.0f} s")
        assert held < 6 * 1024, f"host memory grew {held} KiB while the consumer stalled"

# Output that is not valid UTF-8 is shown with replacement characters, and the result survives.
sink = Sink()
assert device("sys.stdout.write(b'ok \\xff\\xfe bytes\\n') and 7", stream_out=sink) == 7
assert sink.tail == "ok \ufffd\ufffd bytes\n", repr(sink.tail)


def printed_by(task):
    """The task's result, and the tail of what it printed (sys.stdout captured meanwhile)."""
    sink = Sink()
    real_stdout, sys.stdout = sys.stdout, sink
    try:
        return task(), sink.tail
    finally:
        sys.stdout = real_stdout


# Text imitating Belay's reply framing is just output: results cannot be forged.
@device.task
def forger():
    print("_BELAYR||999")
    print("_BELAYR|0|999", end="")
    return 5


result, tail = printed_by(forger)
assert result == 5, result
assert tail == "_BELAYR||999\n_BELAYR|0|999", repr(tail)


# Even the real marker, printed by calling the board's own result printer, is only output: the
# result is what follows the last marker.
@device.task
def impostor():
    _Br(999)
    print("\x1e", end="")
    return 6


result, tail = printed_by(impostor)
assert result == 6, result
assert tail.startswith("\x1e") and tail.endswith("999\x1e"), repr(tail)
device.close()
print("hostile output ok")
