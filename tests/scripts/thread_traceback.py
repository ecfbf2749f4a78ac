"""A board thread's unhandled exception, printed by the board as output, names the host lines of
its frames (the thread function's and a task's it called), during a call and, once events are
on, between calls. Needs a board that prints thread tracebacks on its serial line (the unix
port prints them on its stderr: run it with `2>&1`; its stdout goes through board.py, so the
thread prints nothing else, which could arrive after the traceback).

    thread_traceback.py PORT
"""
import io
import sys
import time

import belay

device = belay.Device(sys.argv[1])


@device.task
def divide(n):
    return 10 // n  # TASK-LINE


@device.thread
def worker(n):
    import time

    time.sleep(0.2)  # after the call that started it has ended
    divide(n)  # THREAD-LINE


def line_of(marker):
    for number, line in enumerate(open(__file__), 1):
        if marker in line and "line_of(" not in line:
            return number
    raise LookupError(marker)


def check(printed):
    printed = printed.replace("\r\n", "\n")
    expected = (
        "Traceback (most recent call last):\n"
        f'  File "{__file__}", line {line_of("# THREAD-LINE")}, in worker\n'
        "    divide(n)  # THREAD-LINE\n"
        f'  File "{__file__}", line {line_of("# TASK-LINE")}, in divide\n'
        "    return 10 // n  # TASK-LINE\n"
        "ZeroDivisionError: divide by zero\n"
    )
    assert printed.startswith("Unhandled exception in thread started by <function worker at "), printed
    assert expected in printed, printed


def captured(action):
    """What the board printed to the host's sys.stdout while `action` ran."""
    saved, sys.stdout = sys.stdout, io.StringIO()
    try:
        action()
        return sys.stdout.getvalue()
    finally:
        sys.stdout = saved


def during_a_call():
    worker(0)
    time.sleep(1)
    # What the board printed meanwhile comes with the next call.
    assert device("2 + 2") == 4


check(captured(during_a_call))


# Events on: output between calls is printed as it comes.
@device.on("never")
def never(value, when):
    pass


def between_calls():
    worker(0)
    deadline = time.time() + 10
    while "ZeroDivisionError" not in sys.stdout.getvalue():
        assert time.time() < deadline, sys.stdout.getvalue()
        time.sleep(0.05)
    time.sleep(0.2)


check(captured(between_calls))
print("thread traceback ok")
