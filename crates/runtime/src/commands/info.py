# belay-run info [PORT]: `<name> v<version> - <platform>`, e.g. `micropython v1.29.0-preview - linux`.
# sys.argv: port, password.
import sys

import belay

port, password = sys.argv[1], sys.argv[2]
device = belay.Device(port, startup="", auto_sync_time=False, **({"password": password} if password else {}))
impl = device.implementation
numbers = [str(part) for part in impl.version[:3]]
release = impl.version[3] if len(impl.version) > 3 else ""
version = ".".join(numbers) + (f"-{release}" if release else "")
print(f"{impl.name} v{version} - {impl.platform}")
device.close()
