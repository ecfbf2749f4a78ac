# SIGTERM and SIGHUP end the program as Ctrl-C does: an exception at the next bytecode or board
# wait (a board call in flight is interrupted first), so `finally` blocks and teardowns run, the
# boards are closed and buffered output is flushed; the exit status is 128 + the signal (143,
# 129), as a shell expects. A second signal ends the process at once. (`_signal`, not `signal`:
# that one imports `enum`, which costs start-up time.)
import _signal


def end(signum, frame):
    _signal.signal(signum, _signal.SIG_DFL)
    raise SystemExit(128 + signum)


for name in ("SIGTERM", "SIGHUP"):
    if hasattr(_signal, name):
        _signal.signal(getattr(_signal, name), end)
