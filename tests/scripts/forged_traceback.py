"""A board whose error names a host file: the host must not open it to show a line.

    forged_traceback.py PORT HOST_FILE
"""
import sys

import belay

device = belay.Device(sys.argv[1])


@device.task
def fail(path):
    raise OSError('Traceback (most recent call last):\n  File "%s", line 1, in <module>\n' % path)


fail(sys.argv[2])
