"""Proxy objects: use an object that lives on the board as if it were here.

    belay-run examples/11_proxy_objects/main.py --port /dev/ttyACM0
"""
import argparse

import belay

parser = argparse.ArgumentParser(description="Reach into a board object through a proxy.")
parser.add_argument("--port", "-p", default=None, help="the board's port (default: belay-run --port or BELAY_DEVICE)")
args = parser.parse_args()

device = belay.Device(args.port)


@device.setup
def setup():
    class User:
        def __init__(self, name):
            self.name = name

        def greetings(self):
            return f"Hello {self.name}!"

    user = User("Bob Smith")


setup()
user = device.proxy("user")  # stays on the board; attributes and calls go there

print(f'We got the attribute "{user.name}".')
print(f'We executed the method "greetings" and got the result: "{user.greetings()}"')
user.name = "Alice"
print(f'After setting the name on the board: "{user.greetings()}"')
device.close()
