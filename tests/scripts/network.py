"""A board reached over a network protocol: the usual calls work, binary data included."""
import sys

import belay

port, password = sys.argv[1], sys.argv[2]
device = belay.Device(port, password=password)


@device.task
def echo(value):
    print("echo on the board")
    return value


assert device("1 + 2") == 3
blob = bytes(range(256)) * 40
assert echo(blob) == blob
assert echo({"text": "h\u00e9llo", "n": 2**70}) == {"text": "h\u00e9llo", "n": 2**70}
device.close()
print("network ok")
