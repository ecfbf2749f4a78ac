#!/usr/bin/env python3
"""Build a small pure-Python wheel for a test (standard library only); print its path.

    make_wheel.py OUTDIR NAME VERSION [--file PATH=TEXT]... [--data KIND/PATH=TEXT]...
                  [--requires REQ]... [--console NAME=MODULE:FUNC]... [--evil zip|record|absolute]

--file puts TEXT at PATH in the wheel's root (purelib); --data at NAME-VERSION.data/KIND/PATH
(KIND: purelib, platlib, scripts, headers, data). RECORD lists every file with its sha256 and
size, as the wheel spec wants. --evil makes a wheel an installer must refuse: `zip` adds the
entry `../NAME_escape.py` (listed in RECORD too), `record` lists `../NAME_escape.py` in RECORD
only, `absolute` adds the entry `/tmp/NAME_escape.py`.
"""
import argparse
import base64
import hashlib
import os
import re
import zipfile


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def pair(text):
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"want KEY=VALUE, not {text!r}")
    return key, value


def build(out, name, version, files, data, requires, console, evil):
    dist = re.sub(r"[-_.]+", "_", name).lower()
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    entries = dict(files)
    for path, text in data:
        entries[f"{dist}-{version}.data/{path}"] = text
    escape = f"{dist}_escape.py"
    if evil == "zip":
        entries[f"../{escape}"] = "ESCAPED = True\n"
    elif evil == "absolute":
        entries[f"/tmp/{escape}"] = "ESCAPED = True\n"
    entries[f"{info}/METADATA"] = metadata
    entries[f"{info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: make_wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    if console:
        entries[f"{info}/entry_points.txt"] = "[console_scripts]\n" + "".join(f"{k} = {v}\n" for k, v in console)
    record = [record_line(path, text.encode()) for path, text in entries.items()]
    if evil == "record":
        record.append(record_line(f"../{escape}", b"ESCAPED = True\n"))
    record.append(f"{info}/RECORD,,")
    entries[f"{info}/RECORD"] = "\n".join(record) + "\n"
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"{dist}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name_in_zip, text in entries.items():
            info_ = zipfile.ZipInfo(name_in_zip, date_time=(2020, 1, 1, 0, 0, 0))
            info_.external_attr = 0o644 << 16
            z.writestr(info_, text, zipfile.ZIP_DEFLATED)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("name")
    ap.add_argument("version")
    ap.add_argument("--file", type=pair, action="append", default=[])
    ap.add_argument("--data", type=pair, action="append", default=[])
    ap.add_argument("--requires", action="append", default=[])
    ap.add_argument("--console", type=pair, action="append", default=[])
    ap.add_argument("--evil", choices=["zip", "record", "absolute"])
    a = ap.parse_args()
    print(build(a.out, a.name, a.version, a.file, a.data, a.requires, a.console, a.evil))


if __name__ == "__main__":
    main()
