"""An exception raised on a CircuitPython board arrives as `belay.PyboardException`.

    belay-run examples/05_exception/circuitpython.py --port /dev/ttyACM0
"""
import argparse

import belay

parser = argparse.ArgumentParser(description="Catch an exception raised on the board.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
args = parser.parse_args()

device = belay.Device(args.port)


@device.task
def f():
    raise Exception("This is raised on-device.")


try:
    f()
except belay.PyboardException as e:
    print("Caught the board's exception:")
    print(e)
device.close()
