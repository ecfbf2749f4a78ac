"""A host script using a real PyPI package (tabulate) from a virtual environment or a `pip
install --target` folder, and a module found through a .pth file, while it drives a board.

    venv_host.py PORT [--no-pth]
"""
import sys

import belay
import tabulate

device = belay.Device(sys.argv[1])


@device.task
def add(a, b):
    return a + b


print(tabulate.tabulate([["add(1, 2)", add(1, 2)]], headers=["task", "result"]))
if "--no-pth" not in sys.argv:
    import pth_module

    print("found through the .pth file:", pth_module.WHERE)
print("venv ok")
