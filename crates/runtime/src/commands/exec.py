# belay-run exec [PORT] STATEMENT...: run code on the board as its REPL would. The statements run
# in order, each argument's top-level statements one after the other; the value of every
# expression statement that is not None is printed: a literal as the host's repr of its value,
# anything else as the board's own repr (`<module 'machine'>`). Each expression is evaluated once.
# sys.argv: port, password, then the statements (their syntax was checked by commands/exec.rs).
import ast
import sys

import belay

# What `device(...)` gives for a reply that is no literal (`belay.UNPARSABLE_RESULT` where the
# belay module has it; raising UnparsableResultError where it does not).
UNPARSABLE = getattr(belay, "UNPARSABLE_RESULT", object())


def pieces(source):
    """The top-level statements of `source` in order: ("e", code) for an expression statement,
    ("s", code) for a run of other statements, the run's lines where they were in `source` (a
    board traceback names the line of the statement)."""
    runs = []
    for node in ast.parse(source).body:
        code = ast.get_source_segment(source, node)
        if isinstance(node, ast.Expr):
            runs.append(["e", code, node.end_lineno])
        elif runs and runs[-1][0] == "s":
            run = runs[-1]
            gap = node.lineno - run[2]
            run[1] += "; " + code if gap == 0 else "\n" * gap + code
            run[2] = node.end_lineno
        else:
            runs.append(["s", "\n" * (node.lineno - 1) + code, node.end_lineno])
    return [(kind, code) for kind, code, _ in runs]


def show(device, value):
    """Print an expression's value as the REPL does (nothing for None)."""
    if isinstance(value, belay.ProxyObject):
        proxy = value  # the board object lives as long as its proxy
        try:
            value = device(proxy)  # a container of literals: its value, fetched once
        except belay.UnparsableResultError:
            value = UNPARSABLE
        if value is UNPARSABLE:
            print(device("repr(%s)" % proxy._belay_target_name))
            return
    if value is not None:
        print(repr(value))


port, password, statements = sys.argv[1], sys.argv[2], sys.argv[3:]
device = belay.Device(port, **({"password": password} if password else {}))
for statement in statements:
    for kind, code in pieces(statement):
        if kind == "e":
            show(device, device(code, proxy=True))
        else:
            device(code)
device.close()
