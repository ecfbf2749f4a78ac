#!/usr/bin/env python3
"""CPython-side checks of what an installer left (standard library only), for tests/e2e/pip.rs.

    installed.py record SITE [--prefix DIR]   every *.dist-info/RECORD in SITE is right: each row's
                                              file exists inside DIR (default SITE) with that
                                              sha256 (urlsafe base64, no padding) and size; only
                                              RECORD and .pyc files may go without. Prints the
                                              number of files checked; exits 1 naming each fault.
    installed.py sha256 FILE                  the file's sha256, hex (for `--hash` lines).
    installed.py json                         stdin's JSON, keys sorted, one line (comparisons).
"""
import base64
import csv
import hashlib
import json
import os
import sys


def check_records(site, prefix):
    faults, checked = [], 0
    prefix = os.path.realpath(prefix)
    infos = [e for e in sorted(os.listdir(site)) if e.endswith(".dist-info")]
    if not infos:
        faults.append(f"{site}: no .dist-info folder")
    for info in infos:
        record = os.path.join(site, info, "RECORD")
        if not os.path.isfile(record):
            faults.append(f"{info}: no RECORD")
            continue
        with open(record, newline="", encoding="utf-8") as f:
            rows = [r for r in csv.reader(f) if r]
        for row in rows:
            path, digest, size = (row + ["", ""])[:3]
            full = os.path.realpath(os.path.join(site, path))
            if os.path.commonpath([full, prefix]) != prefix:
                faults.append(f"{info}/RECORD: {path} is outside {prefix}")
                continue
            if not os.path.isfile(full):
                faults.append(f"{info}/RECORD: {path} does not exist")
                continue
            if path == f"{info}/RECORD" or (path.endswith(".pyc") and not digest):
                continue
            with open(full, "rb") as f:
                data = f.read()
            want = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            if digest != want:
                faults.append(f"{info}/RECORD: {path} has {digest or 'no hash'}, the file {want}")
            if size != str(len(data)):
                faults.append(f"{info}/RECORD: {path} has size {size or 'none'}, the file {len(data)}")
            checked += 1
    if faults:
        more = [f"... and {len(faults) - 20} more"] if len(faults) > 20 else []
        sys.exit("\n".join(faults[:20] + more))
    print(checked)


def main():
    args = sys.argv[1:]
    if args[:1] == ["record"] and len(args) in (2, 4):
        prefix = args[3] if len(args) == 4 and args[2] == "--prefix" else args[1]
        check_records(args[1], prefix)
    elif args[:1] == ["sha256"] and len(args) == 2:
        with open(args[1], "rb") as f:
            print(hashlib.sha256(f.read()).hexdigest())
    elif args == ["json"]:
        print(json.dumps(json.load(sys.stdin), sort_keys=True))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
