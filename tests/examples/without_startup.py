"""Run an example with every `belay.Device` made with `startup=""`: no convenience imports on the
board, so its board code must import what it uses (issue 27).

    belay-run --port PORT tests/examples/without_startup.py examples/NAME/main.py [ARGS...]

The example runs as `__main__` with its own `sys.argv` and its folder first on `sys.path`, as
belay-run runs it directly; a `startup` the example passes itself is kept. Used by
tests/e2e/examples.rs.
"""
import os
import runpy
import sys

import belay


class Device(belay.Device):
    def __init__(self, *args, startup="", **kwargs):
        super().__init__(*args, startup=startup, **kwargs)


belay.Device = Device
script = os.path.abspath(sys.argv[1])
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(script)
runpy.run_path(script, run_name="__main__")
