"""Proxy objects (belay tests/test_proxy_object.py, re-expressed).

A last argument --no-startup makes the device with `startup=""` (no start-up imports).
"""
import sys
from textwrap import dedent

import belay
from testlib import expect, startup_options
from belay import ProxyObject

device = belay.Device(sys.argv[1], **startup_options(sys.argv[2:]))


device(
    dedent(
        """\
        class Klass:
            foo = 1
            bar = 2
            some_dict = {"a": 1, "b": 2, "c": 3}
            def some_method(self, value):
                return 2 * value
        klass = Klass()
        """
    )
)
proxy_object = ProxyObject(device, "klass")

# basic
assert proxy_object.foo == 1 and proxy_object.bar == 2
assert proxy_object.some_method(3) == 6
proxy_object.foo = 4
assert proxy_object.foo == 4 and device("klass.foo") == 4
proxy_object.baz = 100
assert proxy_object.baz == 100 and device("klass.baz") == 100
expect(AttributeError, lambda: proxy_object.non_existant_attribute)

# dir, dict keys and values
result = set(device(device("dir(klass)", proxy=True)))
assert {"__module__", "__qualname__", "bar", "foo", "some_method", "some_dict"}.issubset(result) or {
    "bar", "foo", "some_method", "some_dict"
}.issubset(result), result
assert set(device(proxy_object.some_dict.keys())) == {"a", "b", "c"}
values = proxy_object.some_dict.values()
assert set(device(f"list({object.__getattribute__(values, '_belay_target_name')})")) == {1, 2, 3}

# getitem, setitem, len
device("klass.demo_list = [1,2,3]")
assert proxy_object.demo_list == [1, 2, 3]
assert proxy_object.demo_list[1] == 2 and proxy_object.demo_list[-1] == 3
assert proxy_object.demo_list[:2] == [1, 2]
proxy_object.demo_list[1] = 99
assert proxy_object.demo_list[1] == 99 and device("klass.demo_list") == [1, 99, 3]
expect(IndexError, lambda: proxy_object.demo_list[100])
assert len(proxy_object.demo_list) == 3


# subclassing
class CustomProxyObject(ProxyObject):
    def __init__(self, device, name):
        super().__init__(device, name)
        object.__setattr__(self, "fizz", 200)

    def foo(self):
        return 100


obj = CustomProxyObject(device, "klass")
assert obj.foo() == 100 and obj.fizz == 200
obj.fizz = 300
assert object.__getattribute__(obj, "fizz") == 300

# immutable ergonomics; tuples stay proxies
assert isinstance(proxy_object.bar, int) and proxy_object.bar * 5 == 10
assert isinstance(proxy_object.some_dict, ProxyObject)
device("klass.simple_tuple = (1, 2, 3)")
device("klass.nested_tuple = (1, 2, [3, 4])")
simple_tuple, nested_tuple = proxy_object.simple_tuple, proxy_object.nested_tuple
assert isinstance(simple_tuple, ProxyObject) and isinstance(nested_tuple, ProxyObject)
assert simple_tuple == (1, 2, 3) and nested_tuple == (1, 2, [3, 4])
assert isinstance(nested_tuple[2], ProxyObject) and nested_tuple[2] == [3, 4]

# lifecycle
device("test_var = [1, 2, 3]")
proxy = device.proxy("test_var", delete=True)
assert proxy == [1, 2, 3]
del proxy
assert "NameError" in str(expect(belay.PyboardException, lambda: device("test_var")))
device("preserved_var = [4, 5, 6]")
proxy = device.proxy("preserved_var", delete=False)
del proxy
assert device("preserved_var") == [4, 5, 6]
sys_proxy = device.proxy("import sys")
assert isinstance(sys_proxy.platform, (str, ProxyObject))
del sys_proxy
assert device('"sys" in dir()') is True
# Temporary proxies are freed on the board when the host drops them.
before = device("len([k for k in globals() if k.startswith('_Bo_')])")
for _ in range(5):
    proxy_object.some_dict.keys()
assert device("len([k for k in globals() if k.startswith('_Bo_')])") == before

# magic methods
device("my_list = [10, 20, 30]")
device("my_dict = {'a': 1, 'b': 2}")
list_proxy, dict_proxy = device.proxy("my_list"), device.proxy("my_dict")
list_proxy[0] = 100
dict_proxy["a"] = 999
assert device("my_list") == [100, 20, 30] and device("my_dict") == {"a": 999, "b": 2}
assert 20 in list_proxy and 10 not in list_proxy
assert "a" in dict_proxy and "z" not in dict_proxy
assert list(iter(list_proxy)) == [100, 20, 30] and [x for x in list_proxy] == [100, 20, 30]
device("my_tuple = (1, 2, 3)")
device("my_str = 'hello'")
assert hash(device.proxy("my_tuple")) == device("hash(my_tuple)")
assert hash(device.proxy("my_str")) == device("hash(my_str)")

# comparisons
device("val_5 = 5")
device("val_10 = 10")
device("list_a = [1, 2, 3]")
device("list_b = [1, 2, 3]")
v5, v10 = device.proxy("val_5"), device.proxy("val_10")
la, lb = device.proxy("list_a"), device.proxy("list_b")
assert v5 == 5 and v10 == 10 and la == [1, 2, 3] and la == lb
assert v5 != 10 and v5 != v10
assert v5 < 10 and v5 < v10 and v5 <= 5 and v5 <= v10
assert v10 > 5 and v10 > v5 and v10 >= 10 and v10 >= v5

# str and repr
device("my_value = 42")
assert str(device.proxy("my_value")) == "42" and str(device.proxy("list_a")) == "[1, 2, 3]"
assert repr(device.proxy("my_value")) == "<ProxyObject 42>"
assert "ProxyObject" in repr(la) and "[1, 2, 3]" in repr(la)

# calls with proxy arguments
device(
    dedent(
        """\
        class Container:
            def __init__(self):
                self.items = []
            def add(self, item):
                self.items.append(item)
                return len(self.items)
        container = Container()
        item1 = [1, 2, 3]
        item2 = {'key': 'value'}
        """
    )
)
container = device.proxy("container")
assert container.add(device.proxy("item1")) == 1
assert container.add(device.proxy("item2")) == 2
assert device("container.items") == [[1, 2, 3], {"key": "value"}]

# slicing
device("my_list = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]")
lp = device.proxy("my_list")
assert lp[2:5] == [2, 3, 4] and lp[:3] == [0, 1, 2] and lp[7:] == [7, 8, 9]
assert lp[::2] == [0, 2, 4, 6, 8] and lp[1::2] == [1, 3, 5, 7, 9] and lp[2:8:2] == [2, 4, 6]
assert lp[-3:] == [7, 8, 9] and lp[:-3] == [0, 1, 2, 3, 4, 5, 6] and lp[-5:-2] == [5, 6, 7]

# nested proxies
device("nested_structure = {'list': [1, 2, [3, 4]], 'dict': {'inner': {'value': 42}}, 'tuple': (1, 2, [3, 4])}")
root = device.proxy("nested_structure")
inner_list = root["list"]
assert isinstance(inner_list, ProxyObject) and inner_list[0] == 1
assert isinstance(inner_list[2], ProxyObject) and inner_list[2] == [3, 4]
assert isinstance(root["dict"], ProxyObject) and isinstance(root["dict"]["inner"], ProxyObject)
assert root["dict"]["inner"]["value"] == 42

# error promotion
device("my_obj = {'a': 1}")
expect(AttributeError, lambda: device.proxy("my_obj").nonexistent_attribute)
expect(KeyError, lambda: device.proxy("my_dict")["nonexistent_key"])
device("my_list = [1, 2, 3]")
expect(IndexError, lambda: device.proxy("my_list")[100])
expect(TypeError, lambda: device.proxy("my_value")())

# device.proxy detection
os_proxy = device.proxy("import os")
assert isinstance(os_proxy, ProxyObject) and object.__getattribute__(os_proxy, "_belay_delete") is False
sin = device.proxy("from math import sin")
assert isinstance(sin, ProxyObject) and sin(0) == 0
cos, pi = device.proxy("from math import cos, pi")
assert isinstance(cos, ProxyObject) and isinstance(pi, float) and abs(pi - 3.14159) < 0.001
device("simple_var = 123")
assert object.__getattribute__(device.proxy("simple_var"), "_belay_delete") is False
assert object.__getattribute__(device.proxy("[1, 2, 3]"), "_belay_delete") is True
assert object.__getattribute__(device.proxy("simple_var", delete=True), "_belay_delete") is True
assert object.__getattribute__(device.proxy("[4, 5, 6]", delete=False), "_belay_delete") is False

# device(proxy) and device(..., proxy=True)
device("my_list = [1, 2, 3]")
resolved = device(device.proxy("my_list"))
assert resolved == [1, 2, 3] and not isinstance(resolved, ProxyObject)
device("result_value = 42")
device("result_list = [1, 2, 3]")
assert device("result_value", proxy=True) == 42
assert isinstance(device("result_list", proxy=True), ProxyObject)

# proxies as attribute values, item values, dict keys and list indices
device(
    dedent(
        """\
        class Holder:
            def __init__(self):
                self.config = None
        holder = Holder()
        config_dict = {'setting': 42, 'enabled': True}
        slots = [None, None, None]
        table = {}
        key1 = 'first_key'
        index0 = 0
        """
    )
)
holder = device.proxy("holder")
holder.config = device.proxy("config_dict")
assert device("holder.config") == {"setting": 42, "enabled": True}
assert holder.config == {"setting": 42, "enabled": True}
slots, table = device.proxy("slots"), device.proxy("table")
slots[device.proxy("index0")] = device.proxy("config_dict")
assert device("slots[0]") == {"setting": 42, "enabled": True}
table[device.proxy("key1")] = "regular_value"
assert device("table['first_key']") == "regular_value" and table[device.proxy("key1")] == "regular_value"

# proxies as task arguments (belay-run resolves them; Belay did not)
@device.task
def total(values):
    return sum(values)


assert total(device.proxy("list_a")) == 6
print("proxies ok")
