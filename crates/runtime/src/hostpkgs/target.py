# The values PEP 508 markers are evaluated with, as this interpreter reports them
# (belay_pip::Target; docs/host-packages.md). RustPython's release level is `alpha`: packages are
# installed for the release (3.14.0).
import json
import os
import platform
import sys

_i = sys.implementation.version
result = json.dumps({
    "python": list(sys.version_info[:3]),
    "implementation_name": sys.implementation.name,
    "implementation_version": "%d.%d.%d" % (_i.major, _i.minor, _i.micro),
    "platform_python_implementation": platform.python_implementation(),
    "sys_platform": sys.platform,
    "platform_system": platform.system(),
    "platform_machine": platform.machine(),
    "platform_release": platform.release(),
    "platform_version": platform.version(),
    "os_name": os.name,
})
