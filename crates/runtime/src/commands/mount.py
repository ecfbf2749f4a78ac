# belay-run mount [PORT] FOLDER: the board's own REPL with a host folder mounted (docs/protocol.md
# §7), as `terminal` shows it. sys.argv: port, password, folder, mount point, "1" for read-only.
# `_terminal(device)` (a native function set by commands/mount.rs) runs the REPL until Ctrl-] or
# the end of piped input, serving the mount meanwhile; it returns True when the board
# soft-rebooted, and the mount is made again.
import os
import sys

import belay

port, password, folder, at, readonly = sys.argv[1:6]
if not os.path.isdir(folder):
    sys.exit("belay-run mount: %s: no such folder" % folder)
device = belay.Device(port, startup="", auto_sync_time=False, attempts=1,
                      **({"password": password} if password else {}))
try:
    device.mount(folder, at=at, readonly=readonly == "1")
    sys.stderr.write("--- %s mounted at %s on %s%s; Ctrl-] exits ---\n"
                     % (folder, at, port, " (read-only)" if readonly == "1" else ""))
    sys.stderr.flush()
    while _terminal(device):
        device.reconnect()
        # The console is still raw: lines end in \r\n.
        sys.stderr.write("\r\n--- soft reboot: %s mounted again at %s ---\r\n" % (folder, at))
        sys.stderr.flush()
finally:
    device.close()
sys.stderr.write("\r\n--- terminal closed ---\r\n")
