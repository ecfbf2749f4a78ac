"""CircuitPython 10.3's REPL behaviour for the unix test board (board.py unix --circuitpython).

What a host sees of a CircuitPython board, following CircuitPython's main.c and pyexec.c and the
recorded session (tests/boards/recorded/):

- Printed newlines arrive as `\\r\\n` (CircuitPython's stdout is "cooked"; the unix port's is not).
- Power-on and every soft reboot from the friendly REPL run code.py (there is none), print the
  supervisor's status lines (`Auto-reload is on...`, `Code done running.`, `Press any key to enter
  the REPL. Use CTRL-D to reload.`) and wait: the first key is eaten (Ctrl-D reloads again), then
  the REPL starts with its banner (`Adafruit CircuitPython 10.3.0 on ...`, no `Type "help()"`).
- A soft reboot from the raw REPL prints `soft reboot` and goes straight back into the raw REPL
  (`OK\\r\\nsoft reboot\\r\\nraw REPL; CTRL-B to exit\\r\\n>`, as recorded from CircuitPython).
- Every entry into a REPL starts a fresh VM: Ctrl-A from the friendly REPL and Ctrl-B from the
  raw REPL forget all globals and imported modules (the text shown is the usual one).
- supervisor.reload() ends the running code (`\\x04\\x04` in the raw REPL) and soft-reboots;
  microcontroller.reset() restarts the board as from power-on (the USB port stays, unlike a real
  board's).

The VM is the unix port's (the stand-in modules are stubs/circuitpython/); each fresh VM is a new
process, started silently. Not shown: the status bar (terminal title escapes) of USB boards.
"""
import re
import signal

BANNER = b"Adafruit CircuitPython 10.3.0 on 2026-11-23; linux [GCC 12.2.0] version"
# The unix port's banner, as it prints it (start-up and friendly Ctrl-B).
MP_BANNER = re.compile(
    rb"MicroPython [^\r\n]*? on [^\r\n]*?; linux \[[^\]\r\n]*\] version\r\n"
    rb'Type "help\(\)" for more information\.\r\n'
)
MP_BANNER_START = b"MicroPython "
# CircuitPython's stdout turns "\n" into "\r\n" (mp_hal_stdout_tx_strn_cooked), the unix port not.
LONE_NEWLINE = re.compile(rb"(?<!\r)\n")
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
# run_code_py() with no code.py, serial connected, auto-reload on; then the wait for a key.
LINE_CLEAR = b"\x1b[2K\x1b[0G"
CODE_DONE = (
    b"\r\n" + LINE_CLEAR
    + b"Auto-reload is on. Simply save files over USB to run them or enter REPL to disable.\r\n"
    + b"\r\nCode done running.\r\n"
    + b"\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n"
)
# How the board process ends for microcontroller.reset() (see the stubs).
RESET_SIGNAL = signal.SIGUSR1


class CircuitPython:
    """Mixin for board.Board: the CircuitPython personality's REPL (see the module docstring)."""

    waiting_key = False
    # The last output byte was `\r` (a `\n` right after it is not a lone one).
    cr_last = False
    # Output held back while it may be the start of a banner still arriving.
    held = b""

    def powered_on(self, emit):
        self.fresh_vm(raw=False)
        self.raw = False
        emit(CODE_DONE)
        self.waiting_key = True

    def fresh_vm(self, raw):
        """Replace the board process by a new one, at the friendly or raw REPL, silently."""
        self.stop()
        self.start()
        self.read_until(lambda seen: seen.endswith(b">>> "), "the friendly prompt")
        if raw:
            self.proc.stdin.write(b"\x01")
            self.read_until(lambda seen: seen.endswith(RAW_BANNER), "the raw REPL banner")
        self.in_flight = 0
        self.last = b""

    def from_host(self, data, emit):
        forward = bytearray()
        for b in data:
            if self.waiting_key:
                # The supervisor reads one key: Ctrl-D reloads, anything else enters the REPL.
                if b == 4:
                    emit(b"soft reboot\r\n" + CODE_DONE)
                else:
                    self.waiting_key = False
                    emit(b"\r\n" + BANNER + b"\r\n>>> ")
            elif (b == 1 and not self.raw) or (b == 2 and self.raw):
                super().from_host(bytes(forward), emit)
                forward.clear()
                self.switch_repl(b, emit)
            else:
                forward.append(b)
        if forward:
            super().from_host(bytes(forward), emit)

    def switch_repl(self, key, emit):
        """Ctrl-A (friendly) or Ctrl-B (raw): the old VM answers, then a fresh one takes over."""
        self.proc.stdin.write(bytes([key]))
        if key == 1:
            done = lambda seen: RAW_BANNER in seen
        else:
            done = lambda seen: MP_BANNER.search(seen) is not None and seen.endswith(b">>> ")
        out = self.read_until(done, "the REPL switch", fail=False)
        emit(self.shown(out) + self.release())
        self.fresh_vm(raw=key == 1)
        self.raw = key == 1

    def soft_reboot(self, emit):
        if self.proc.wait() == -RESET_SIGNAL:
            self.held = b""
            self.powered_on(emit)
            return
        emit(self.release() + b"soft reboot\r\n")
        if self.raw:
            self.fresh_vm(raw=True)
            emit(RAW_BANNER)
        else:
            self.fresh_vm(raw=False)
            emit(CODE_DONE)
            self.waiting_key = True

    def shown(self, data):
        """Output as CircuitPython sends it: printed newlines are `\\r\\n` (the unix port's are
        `\\n`), and the banner is CircuitPython's (the first part of a banner is held back)."""
        if data.startswith(b"\n") and self.cr_last:
            data = b"\n" + LONE_NEWLINE.sub(b"\r\n", data[1:])
        else:
            data = LONE_NEWLINE.sub(b"\r\n", data)
        if data:
            self.cr_last = data.endswith(b"\r")
        data = MP_BANNER.sub(b"\r\n" + BANNER + b"\r\n", self.held + data)
        self.held = b""
        if self.raw:
            return data
        start = data.rfind(MP_BANNER_START)
        if start < 0:
            # The end of the data may be the start of "MicroPython ".
            for n in range(len(MP_BANNER_START) - 1, 0, -1):
                if data.endswith(MP_BANNER_START[:n]):
                    start = len(data) - n
                    break
        if start >= 0 and len(data) - start < 200:
            data, self.held = data[:start], data[start:]
        return data

    def release(self):
        held, self.held = self.held, b""
        return held
