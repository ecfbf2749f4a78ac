# Run by `belay-run run --mount FOLDER mounted_run.py PORT` (tests/e2e/mount.rs): the device has
# FOLDER (holding greet.py) mounted at /remote, the board's working folder, before setups run.
import sys

import belay

device = belay.Device(sys.argv[1])


@device.setup
def setup():
    import greet


@device.task
def hello():
    with open("written.txt", "w") as f:
        f.write("written by the board")
    return greet.hello()


setup()
assert hello() == "hi from the host folder", hello()
assert device("__import__('os').getcwd()") == "/remote"
print("mounted run ok")
