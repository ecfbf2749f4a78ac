# Belay's result sentinels (belay/utils.py, belay/device.py in Belay 0.30.1): classes that are
# never instantiated, shown as <NAME> and false in a boolean context. Run as `belay._sentinels`
# the first time `belay.UNPARSABLE_RESULT` or `belay.NO_RESULT` is asked for.


class SentinelMeta(type):
    def __repr__(cls):
        return f"<{cls.__name__}>"

    def __bool__(cls):
        return False


class Sentinel(metaclass=SentinelMeta):
    def __new__(cls):
        raise ValueError("Sentinel objects are not intended to be instantiated. Subclass instead.")


class UNPARSABLE_RESULT(Sentinel):
    """The board's value is not a Python literal (a module, a Pin, a named tuple): what
    `device(...)`, a task or a generator returns for it. `proxy=True` keeps such a value on the
    board instead."""


class NO_RESULT(Sentinel):
    """No result."""


for _c in (SentinelMeta, Sentinel, UNPARSABLE_RESULT, NO_RESULT):
    _c.__module__ = "belay"
del _c
