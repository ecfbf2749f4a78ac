"""Print a board's files, read back from the board: `belay-run board_tree.py PORT [TOP...]`.

One line per entry, sorted: `PATH/` for a folder, `PATH SIZE SHA256` for a file (its bytes as read
from the board, hashed on the host). TOPs default to `/`; the webassembly port's system folders
(/dev, /proc, /tmp, /home) are left out; a TOP may be a file; one that does not exist prints nothing. Belay's API only,
so Belay's own Python runs it too.
"""
import hashlib
import sys

import belay

device = belay.Device(sys.argv[1])


@device.task
def walk(top):
    import os

    try:
        if not os.stat(top)[0] & 0x4000:
            return [top]
    except OSError:
        return []
    found = []
    folders = [top]
    while folders:
        folder = folders.pop()
        for entry in os.ilistdir(folder):
            path = ("" if folder == "/" else folder) + "/" + entry[0]
            if entry[1] == 0x4000:
                if path not in ("/dev", "/proc", "/tmp", "/home"):
                    found.append(path + "/")
                    folders.append(path)
            else:
                found.append(path)
    return found


@device.task
def read(path):
    with open(path, "rb") as f:
        return f.read()


lines = []
for top in sys.argv[2:] or ["/"]:
    for path in walk(top):
        if path.endswith("/"):
            lines.append(path)
        else:
            data = read(path)
            lines.append("%s %d %s" % (path, len(data), hashlib.sha256(data).hexdigest()))
for line in sorted(lines):
    print(line)
