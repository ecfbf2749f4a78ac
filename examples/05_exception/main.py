"""An exception raised on the board arrives on the host as `belay.PyboardException`.

    belay-run examples/05_exception/main.py --port /dev/ttyACM0

The traceback names this file and the line inside `f()` that raised, as if `f` had run here.
Run with `--uncaught` to see how belay-run reports an exception nobody catches.
"""
import argparse

import belay

parser = argparse.ArgumentParser(description="Catch an exception raised on the board.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
parser.add_argument("--uncaught", action="store_true", help="let the exception end the script")
args = parser.parse_args()

device = belay.Device(args.port)


@device.task
def f():
    raise Exception("This is raised on-device.")


if args.uncaught:
    f()
try:
    f()
except belay.PyboardException as e:
    print("Caught the board's exception:")
    print(e)
device.close()
