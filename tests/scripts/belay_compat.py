"""Belay 0.30.1's public API where belay-run once differed (docs/belay-compatibility.md):
UNPARSABLE_RESULT and NO_RESULT, the submodules scripts import from, Implementation as Belay's
attrs class, complex numbers both ways, minify, soft_reset.

    belay_compat.py PORT
"""
import sys

import belay
import belay.device
import belay.hash
from belay.exceptions import (
    BelayException,
    ConnectionLost,
    IntegrityError,
    InternalError,
    PackageNotFoundError,
)
from belay.pyboard import PyboardError, PyboardException
from belay.usb_specifier import UsbSpecifier
from testlib import expect

port = sys.argv[1]

# The sentinels: classes, shown as <NAME>, false, never instantiated.
assert repr(belay.UNPARSABLE_RESULT) == "<UNPARSABLE_RESULT>" and not belay.UNPARSABLE_RESULT
assert repr(belay.NO_RESULT) == "<NO_RESULT>" and not belay.NO_RESULT
expect(ValueError, belay.UNPARSABLE_RESULT)
assert belay.device.UNPARSABLE_RESULT is belay.UNPARSABLE_RESULT
assert belay.device.Device is belay.Device and UsbSpecifier is belay.UsbSpecifier
assert issubclass(PackageNotFoundError, BelayException) and issubclass(IntegrityError, BelayException)
assert issubclass(InternalError, BelayException) and issubclass(ConnectionLost, belay.ConnectionFailedError)
assert PyboardError is belay.PyboardError and PyboardException is belay.PyboardException

device = belay.Device(port)

# A value that is not a literal is UNPARSABLE_RESULT, from every kind of call.
assert device("sys.implementation") is belay.UNPARSABLE_RESULT
assert device("sys") is belay.UNPARSABLE_RESULT
assert device("machine.Pin(2)") is belay.UNPARSABLE_RESULT
assert device("[1, 2]") == [1, 2]


@device.task
def objects():
    return object()


@device.task
def some_objects():
    yield 1
    yield object()


assert objects() is belay.UNPARSABLE_RESULT
assert list(some_objects()) == [1, belay.UNPARSABLE_RESULT]
# proxy=True keeps it on the board instead.
assert device("sys.implementation", proxy=True).name == "micropython"

# Implementation: Belay's repr, equality by fields, its constructor.
impl = device.implementation
expected = "Implementation(name=%r, version=%r, platform=%r, arch=%r, emitters=%r)" % (
    impl.name,
    impl.version,
    impl.platform,
    impl.arch,
    impl.emitters,
)
assert repr(impl) == expected, (repr(impl), expected)
assert "Some(" not in repr(impl)
made = belay.Implementation(impl.name, impl.version, impl.platform, impl.arch, impl.emitters)
assert made == impl and not (made != impl), (made, impl)
assert belay.Implementation("micropython", arch=2822).arch == "x64"  # from sys.implementation._mpy
assert belay.Implementation("circuitpython") == belay.Implementation("circuitpython", (0, 0, 0), "", None, ())
assert repr(belay.Implementation("micropython", arch="rv32imc")) == (
    "Implementation(name='micropython', version=(0, 0, 0), platform='', arch='rv32imc', emitters=())"
)
expect(TypeError, lambda: hash(impl))


# Complex numbers both ways.
@device.task
def ident(x):
    return x


assert ident(1 + 2j) == 1 + 2j
assert ident([complex(0.1, -1e300), 2j]) == [complex(0.1, -1e300), 2j]
assert device("(1.5-2j)") == 1.5 - 2j and device("-3j") == -3j
assert device("complex(1, -0.0)").imag == 0.0

# minify and the history limit.
assert belay.minify("def f():\n    '''doc'''\n    return 1  # c\n") == "def f():\n 0\n return 1\n"
assert belay.Device.MAX_CMD_HISTORY_LEN == 1000
assert belay.hash.fnv1a(__file__) == belay.hash.fnv1a(__file__.encode()) > 0

# soft_reset: the board reboots (and would run its main.py); code runs again after reconnect().
device("x = 5")
device.soft_reset()
error = expect(ConnectionLost, lambda: device("1"))
assert "soft-reset" in str(error), error
device.reconnect()
assert device("1 + 2") == 3
expect(PyboardException, lambda: device("x"))  # a fresh board
device.close()
print("belay compat ok")
