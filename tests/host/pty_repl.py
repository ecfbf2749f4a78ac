"""Drive belay-run's interactive REPL through a pty as a person would: type, read the screen.

    pty_repl.py BELAY_RUN PORT

Checks the prompt and banner, a board call, line editing (cursor left, insert), history (up
arrow), Ctrl-C on a line being typed and on a running board call, and Ctrl-D leaving with
status 0. Prints "repl ok" at the end; any failure raises with the screen so far.
"""
import os
import pty
import select
import sys
import time

belay_run, port = sys.argv[1], sys.argv[2]

pid, fd = pty.fork()
if pid == 0:
    os.environ["HOME"] = os.environ.get("TMPDIR", "/tmp")
    os.execv(belay_run, [belay_run])

screen = b""


def expect(text, timeout=20.0):
    """Read until `text` shows (after what was matched before)."""
    global screen
    end = time.monotonic() + timeout
    while text.encode() not in screen:
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{text!r} never showed; the screen:\n{screen.decode(errors='replace')}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                raise AssertionError(f"the REPL ended before {text!r}:\n{screen.decode(errors='replace')}")
            screen += chunk
    # What was matched is used up.
    screen = screen[screen.index(text.encode()) + len(text.encode()):]


def type_(keys):
    os.write(fd, keys.encode())


expect("belay-run ")
expect(">>> ")
type_(f"import belay; d = belay.Device({port!r})\r")
expect(">>> ")
type_("d('6 * 7')\r")
expect("42")
expect(">>> ")
# Line editing: the cursor goes back two places and a digit goes in: print(123).
type_("print(13)\x1b[D\x1b[D2\r")
expect("123")
expect(">>> ")
# History: the previous line again.
type_("\x1b[A\r")
expect("123")
expect(">>> ")
# A multi-line block.
type_("for i in range(2):\r")
expect("... ")
type_("    print('row', i)\r")
expect("... ")
type_("\r")
expect("row 1")
expect(">>> ")
# Ctrl-C drops the line being typed.
type_("this is never run")
time.sleep(0.2)
type_("\x03")
expect("KeyboardInterrupt")
expect(">>> ")
# Ctrl-C interrupts a board call that would take a minute; the board answers afterwards.
type_("d('__import__(\"time\").sleep(60)')\r")
time.sleep(1.0)
type_("\x03")
expect("KeyboardInterrupt")
expect(">>> ")
type_("d('1 + 1')\r")
expect("2")
expect(">>> ")
# Ctrl-D leaves.
type_("\x04")
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
print("repl ok")
