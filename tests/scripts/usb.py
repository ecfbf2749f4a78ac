"""UsbSpecifier, list_devices, BELAY_DEVICE as JSON, and --port auto (no USB boards on CI)."""
import os
import sys

import belay

board_port = sys.argv[1]

devices = belay.list_devices()
assert isinstance(devices, list)
assert all(d.device.startswith("/dev/") for d in devices)

spec = belay.UsbSpecifier(vid=0x2E8A, serial_number="no-such-board")
assert spec.vid == 0x2E8A and spec.pid is None and spec.serial_number == "no-such-board"
assert repr(spec) == "UsbSpecifier(vid=11914, serial_number='no-such-board')", repr(spec)
assert spec.model_dump_json() == '{"vid":11914,"serial_number":"no-such-board"}'
assert belay.UsbSpecifier.model_validate_json(spec.model_dump_json()) == spec

try:
    spec.to_port()
except belay.DeviceNotFoundError as e:
    assert "no-such-board" in str(e), str(e)
else:
    raise AssertionError("found a board that does not exist")

# BELAY_DEVICE may hold a specifier; the device is looked up like any USB board.
os.environ["BELAY_DEVICE"] = spec.model_dump_json()
try:
    belay.Device()
except belay.DeviceNotFoundError as e:
    print("not found:", str(e).splitlines()[0])
else:
    raise AssertionError("connected to a board that does not exist")

# A specifier that carries its device path connects to that path.
with belay.Device(belay.UsbSpecifier(device=board_port)) as device:
    assert device("6 * 7") == 42
print("usb ok")
