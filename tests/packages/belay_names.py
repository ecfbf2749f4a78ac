"""Every public name of Belay 0.30.1's `belay` package, as JSON on stdout, for the compatibility
test (tests/scripts/belay_names.py checks them against belay-run and docs/belay-compatibility.md).

    tests/packages/.venv/bin/python tests/packages/belay_names.py

Listed: `belay.__all__` and its submodules; in each submodule the names it defines itself; the
public attributes of the classes `belay` exports.
"""
import importlib
import json
import pkgutil

import belay

names = {"belay": sorted(set(belay.__all__))}
for info in pkgutil.iter_modules(belay.__path__):
    if info.name.startswith("_"):
        continue
    names["belay"].append(info.name)
    try:
        module = importlib.import_module("belay." + info.name)
    except Exception:  # a part that needs optional packages
        continue
    names["belay." + info.name] = sorted(
        n
        for n in dir(module)
        if not n.startswith("_") and getattr(getattr(module, n), "__module__", None) == module.__name__
    )
for cls in ("Device", "Implementation", "ProxyObject", "UsbSpecifier"):
    names["belay." + cls] = sorted(n for n in dir(getattr(belay, cls)) if not n.startswith("_"))
names["belay"].sort()
print(json.dumps(names, indent=1))
