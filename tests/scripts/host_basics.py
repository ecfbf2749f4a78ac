"""sys.argv, __file__, sys.path[0] and exit status, with no board at all."""
import os
import sys

from helper_module import VALUE

assert VALUE == "imported from the script's folder"
assert os.path.isabs(__file__), __file__
assert sys.argv[1:] == ["one", "--two", "3"], sys.argv
assert os.path.basename(sys.argv[0]) == "host_basics.py", sys.argv
import json, argparse, inspect, tempfile, textwrap  # the frozen standard library

# UTF-8 mode: text files are UTF-8 even with no locale set (this test runs with an empty env).
assert sys.flags.utf8_mode == 1
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "t.txt")
    with open(path, "w") as f:
        f.write("h\u00e9llo \u2603")
    with open(path, "rb") as f:
        assert f.read() == "h\u00e9llo \u2603".encode("utf-8")
print("host ok")
raise SystemExit(int(os.environ.get("EXIT_WITH", "0")))
