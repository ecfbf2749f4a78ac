# belay-run exec [PORT] STATEMENT: run code on the board; print an expression's value as the
# REPL would (its repr), nothing for statements. sys.argv: port, statement, password.
import sys

import belay

port, statement, password = sys.argv[1], sys.argv[2], sys.argv[3]
device = belay.Device(port, **({"password": password} if password else {}))
value = device(statement)
if value is not None:
    print(repr(value))
device.close()
