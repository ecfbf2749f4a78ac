# The interactive host REPL: the standard library's InteractiveConsole in __main__, reading lines
# with `readline` (given by belay-run: line editing and history on a terminal; stdin elsewhere).
import code
import sys

import __main__


def read_stdin(prompt):
    """A line from stdin that is not a terminal; the prompt goes to stderr, as CPython's does."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def interact(readline, banner):
    console = code.InteractiveConsole(__main__.__dict__)
    console.raw_input = read_stdin if readline is None else readline
    console.interact(banner=banner, exitmsg="")


# help() as the site module gives it (belay-run does not import site at start-up).
import builtins

if not hasattr(builtins, "help"):
    import _sitebuiltins

    builtins.help = _sitebuiltins._Helper()
