"""The test boards' serial link: optional UART pacing and byte counters (board.py --baud, --stats).

A USB-UART bridge at N baud, 8N1, puts 10 bits on the wire per byte (start bit, 8 data bits,
stop bit), so every byte takes 10/N seconds, in each direction independently. `Wire` is one such
direction: bytes are delivered in order, none dropped, each one when its stop bit would have
arrived. The wire is never credited for idle time: a byte starts at max(the moment it was
written, the moment the previous byte finished), so a burst that follows a pause is paced like any
other. Without a baud rate a Wire delivers at once, in the caller's stack (the unpaced pty).

`ByteCounters` keeps two little-endian u64 counters in a 16-byte file, updated in place through a
shared mapping as bytes are delivered: [0:8] host->board, [8:16] board->host. Any process reads
them at any time with `struct.unpack('<QQ', open(FILE, 'rb').read(16))`.
"""
import collections
import ctypes
import mmap
import os
import struct
import time

# Bits per byte on an 8N1 line: start bit, 8 data bits, stop bit.
BITS_PER_BYTE = 10


class Wire:
    """One direction of the link: `send(data)` queues bytes, `deliver(chunk)` gets them on time.

    With byte_time None, send() delivers at once. Otherwise the owner's event loop calls pump()
    whenever it wakes and sleeps at most wait() seconds, so each byte is handed on as soon as
    possible after its own arrival time (a wakeup delivers every byte that is due by then, in one
    chunk; none is ever delivered early).
    """

    def __init__(self, byte_time, deliver):
        self.byte_time = byte_time
        self.deliver = deliver
        # Segments [start, data, offset]: data[offset:] is still on the wire, its first byte
        # having started at `start` (so byte k of it arrives at start + (k + 1) * byte_time).
        self.queue = collections.deque()
        # When the last queued byte will have left the wire (the line is free from then on).
        self.free_at = 0.0

    def send(self, data):
        if not data:
            return
        if self.byte_time is None:
            self.deliver(data)
            return
        # No credit for idle time: a byte waits for the previous one, never for less than its
        # own duration after being written.
        start = max(time.monotonic(), self.free_at)
        self.free_at = start + len(data) * self.byte_time
        self.queue.append([start, bytes(data), 0])

    def wait(self):
        """Seconds until the next byte arrives (0 when one is due now), None when the wire is empty."""
        if not self.queue:
            return None
        start = self.queue[0][0]
        return max(0.0, start + self.byte_time - time.monotonic())

    def pump(self):
        """Deliver every byte whose stop bit has arrived by now, oldest first."""
        now = time.monotonic()
        due = bytearray()
        while self.queue:
            segment = self.queue[0]
            start, data, offset = segment
            # Bytes of this segment fully on the other side by now (a tiny epsilon absorbs float
            # rounding: a byte due at exactly `now` is delivered, not left for another wakeup).
            n = min(len(data) - offset, int((now - start) / self.byte_time + 1e-9))
            if n <= 0:
                break
            due += data[offset:offset + n]
            if offset + n == len(data):
                self.queue.popleft()
            else:
                segment[0] = start + n * self.byte_time
                segment[2] = offset + n
                break
        if due:
            self.deliver(bytes(due))


class ByteCounters:
    """Bytes that crossed the link, per direction, in a file other processes read (see above)."""

    HOST_TO_BOARD = 0
    BOARD_TO_HOST = 8

    def __init__(self, path):
        self.map = None
        if path is None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, bytes(16))
            self.map = mmap.mmap(fd, 16, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        finally:
            os.close(fd)
        self.totals = [0, 0]

    def count(self, offset, n):
        """Add n bytes to one counter (called before the bytes are handed on, so a reader that has
        seen them also sees them counted)."""
        if self.map is None or not n:
            return
        i = offset // 8
        self.totals[i] += n
        # One aligned 8-byte store per counter.
        struct.pack_into("<Q", self.map, offset, self.totals[i])


def fine_timer_slack():
    """Ask Linux to wake this process on time (timer slack 1 ns instead of 50 us), so paced bytes
    at 921600 baud (11 us each) are not delivered a whole slack late."""
    PR_SET_TIMERSLACK = 29
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass
