"""Every public name of Belay 0.30.1 is in belay-run, or docs/belay-compatibility.md says it is
not provided (and then it is not).

    belay_names.py NAMES_JSON COMPATIBILITY_MD

NAMES_JSON: what tests/packages/belay_names.py printed, run by Belay itself.
"""
import importlib
import json
import re
import sys

names_json, doc = sys.argv[1], sys.argv[2]


def documented_absent(path):
    """Full names the page's "not provided" rows list (a bare name takes the row's first prefix)."""
    absent = set()
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[1].startswith("not provided"):
            continue
        prefix = None
        for token in re.findall(r"`([^`]+)`", cells[0]):
            if "." in token:
                prefix = token.rsplit(".", 1)[0]
                absent.add(token)
            else:
                assert prefix, f"{token!r} needs a dotted name before it: {line}"
                absent.add(prefix + "." + token)
    return absent


def resolve(full):
    """The object `full` names in belay-run, or raise LookupError."""
    parts = full.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        if hasattr(obj, part):
            obj = getattr(obj, part)
            continue
        try:
            obj = importlib.import_module(".".join(parts[: i + 1]))
        except ImportError:
            raise LookupError(full) from None
    return obj


def present(full):
    try:
        resolve(full)
        return True
    except LookupError:
        return False


absent = documented_absent(doc)
problems = []
checked = 0
for group, members in json.load(open(names_json)).items():
    for name in members:
        full = f"{group}.{name}"
        covered = any(full == a or full.startswith(a + ".") for a in absent)
        checked += 1
        if present(full) and full in absent:
            problems.append(f"{full}: documented as not provided, but belay-run has it")
        elif not present(full) and not covered:
            problems.append(f"{full}: missing, and not documented as not provided")
for full in sorted(absent):
    if present(full):
        problems.append(f"{full}: documented as not provided, but belay-run has it")
assert checked > 150, checked
assert not problems, "\n".join(problems)
print("belay names ok", checked)
