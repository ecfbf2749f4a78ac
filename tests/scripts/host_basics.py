"""sys.argv, __file__, sys.path[0] and exit status, with no board at all."""
import os
import sys

from helper_module import VALUE

assert VALUE == "imported from the script's folder"
assert os.path.isabs(__file__), __file__
assert sys.argv[1:] == ["one", "--two", "3"], sys.argv
assert os.path.basename(sys.argv[0]) == "host_basics.py", sys.argv
import json, argparse, inspect, textwrap  # the frozen standard library
print("host ok")
raise SystemExit(int(os.environ.get("EXIT_WITH", "0")))
