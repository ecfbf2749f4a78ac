"""Class-based devices (belay tests/integration/test_classes.py, MicroPython branches)."""
import io
import sys

import belay
from testlib import expect
from belay import Device, DeviceMeta, PyboardException

PORT = sys.argv[1]


# basic
class MyDevice(Device, skip=True):
    @Device.setup
    def setup():
        foo = 10
        bar = 42

    @Device.task
    def get_times_foo(val):
        return val * foo

    @Device.task
    def get_times_bar(val):
        return val * bar

    def host_method(self, x):
        return ("host", x)


with MyDevice(PORT) as device:
    expect(PyboardException, lambda: device("foo"))
    device.setup()
    assert device.get_times_foo(2) == 20
    assert device.get_times_bar(2) == 84
    assert device.host_method(3) == ("host", 3)
    assert device.task.get_times_foo(1) == 10  # registered on the executer too


# a second throwaway class with the same name is fine
class MyDevice(Device, skip=True):
    @Device.task
    def answer():
        return 42


with MyDevice(PORT) as device:
    assert device.answer() == 42


# mixin
class Mixin:
    @Device.task
    def foo(x):
        return x * 2


class MixedDevice(Device, Mixin, skip=True):
    pass


with MixedDevice(PORT) as device:
    assert device.foo(5) == 10


# setup arguments become board globals
class ArgsDevice(Device, skip=True):
    @Device.setup
    def setup1(baz=1):
        foo = 11
        bar = 41

    @Device.setup()
    def setup2(baz=2):
        foo = 12
        bar = 42


with ArgsDevice(PORT) as device:
    device.setup1(baz=111)
    assert (device("foo"), device("bar"), device("baz")) == (11, 41, 111)
    device.setup2(baz=222)
    assert (device("foo"), device("bar"), device("baz")) == (12, 42, 222)


# autoinit, in definition order; hooks around it
class AutoDevice(Device, skip=True):
    @Device.setup(autoinit=True)
    def setup1():
        foo = 10
        bar = 42
        order = ["setup1"]

    @Device.setup(autoinit=True)
    def setup2():
        foo = 100
        order.append("setup2")

    def __pre_autoinit__(self):
        self.seen = ["pre:" + repr(self("'order' in globals()"))]

    def __post_init__(self):
        self.seen.append("post:" + repr(self("order")))


with AutoDevice(PORT) as device:
    assert device("foo") == 100 and device("bar") == 42
    assert device.seen == ["pre:False", "post:['setup1', 'setup2']"], device.seen


# autoinit setups cannot take parameters (checked when the class is defined)
def bad_autoinit(signature):
    namespace = {"Device": Device}
    exec(f"class Bad(Device, skip=True):\n    @Device.setup(autoinit=True)\n    def setup({signature}):\n        pass\n", namespace)


for signature in ["foo", "foo=1", "*, foo=1"]:
    expect(ValueError, lambda: bad_autoinit(signature))


# teardowns: callable, ignore_errors, run by close and by the context manager
class TeardownDevice(Device, skip=True):
    @Device.teardown
    def teardown():
        print("teardown ran")

    @Device.teardown(ignore_errors=True)
    def failing_teardown():
        raise ValueError("ignored")


captured = io.StringIO()
real, sys.stdout = sys.stdout, captured
with TeardownDevice(PORT) as device:
    device.teardown()
sys.stdout = real
assert captured.getvalue() == "teardown ran\nteardown ran\n", repr(captured.getvalue())


# implementation overloads
class OverloadDevice(Device, skip=True):
    @Device.task(implementation="micropython")
    def test_task():
        return "micropython_task_return_value"

    @Device.task(implementation="circuitpython")
    def test_task():
        return "circuitpython_task_return_value"

    @Device.setup(implementation="micropython")
    def setup():
        setup_var = "micropython_setup_return_value"

    @Device.setup(implementation="circuitpython")
    def setup():
        setup_var = "circuitpython_setup_return_value"

    @Device.teardown(implementation="micropython")
    def test_teardown():
        pass

    @Device.teardown(implementation="circuitpython")
    def test_teardown():
        pass

    @Device.task
    def get_setup_var():
        return setup_var


with OverloadDevice(PORT) as device:
    assert device.test_task() == "micropython_task_return_value"
    device.setup()
    assert device.get_setup_var() == "micropython_setup_return_value"
    assert len(device._belay_teardown.__dict__) == 1  # one teardown registered, not two


# per-implementation mixins, also with executer names ("stomping")
class MicropythonMixin(metaclass=DeviceMeta):
    @Device.setup(implementation="micropython")
    def setup():
        setup_var = "micropython_setup_return_value"

    @Device.task(implementation="micropython")
    def test_task():
        return "micropython_task_return_value"


class CircuitpythonMixin(metaclass=DeviceMeta):
    @Device.setup(implementation="circuitpython")
    def setup():
        setup_var = "circuitpython_setup_return_value"

    @Device.task(implementation="circuitpython")
    def test_task():
        return "circuitpython_task_return_value"


for bases in [(Device, CircuitpythonMixin, MicropythonMixin), (Device, MicropythonMixin, CircuitpythonMixin)]:

    class PerImplementation(*bases, skip=True):
        @Device.task
        def get_setup_var():
            return setup_var

    with PerImplementation(PORT) as device:
        assert device.test_task() == "micropython_task_return_value"
        device.setup()
        assert device.get_setup_var() == "micropython_setup_return_value"


# no overload for this implementation
class CircuitOnly(Device, skip=True):
    @Device.task(implementation="circuitpython")
    def only_cp():
        return 1


expect(belay.NoMatchingExecuterError, lambda: CircuitOnly(PORT))


# definition errors
def mixing():
    class Mixing(Device, skip=True):
        def name(self):
            pass

        @Device.task
        def name():
            pass


def after_catch_all():
    class AfterCatchAll(Device, skip=True):
        @Device.task
        def name():
            pass

        @Device.task(implementation="micropython")
        def name():
            pass


expect(ValueError, mixing)
expect(ValueError, after_catch_all)
expect(TypeError, lambda: Device.task(bogus=True))
print("classes ok")
