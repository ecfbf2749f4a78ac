# Modules the unix port builds in that CircuitPython does not have (threads, `machine`, the
# u-prefixed aliases of MicroPython): `import` fails for them as for any missing module.
import builtins

_HIDDEN = ("_thread", "machine", "utime", "uos", "usys", "uselect", "uio", "ujson", "ustruct")
_import = builtins.__import__


def __import__(name, *args):
    if name.split(".")[0] in _HIDDEN:
        raise ImportError("no module named '%s'" % name)
    return _import(name, *args)


builtins.__import__ = __import__
