"""Boards reached by host name (run by tests/static_binary.sh inside an empty root: the static
binary resolves names without glibc's NSS libraries).

    named_hosts.py PASSWORD PORT...   (each PORT a form such as ws://localhost:N)
"""
import sys

import belay

password = sys.argv[1]
for port in sys.argv[2:]:
    device = belay.Device(port, password=password)
    print(port.split("://")[0], device("6 * 7"))
    device.close()
print("named hosts ok")
