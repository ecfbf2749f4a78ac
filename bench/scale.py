"""Scale: calls per second with 1, 2, 4 and 8 unix test boards driven at once from host threads
(bench/scale_workload.py under belay-run), and the total against one board (ideal: N times).

    tests/boards/.venv/bin/python bench/scale.py [--seconds S] [--boards 1,2,4,8]
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, os.environ.get("CARGO_TARGET_DIR", "target"))
BELAY_RUN = os.path.join(TARGET, "x86_64-unknown-linux-gnu", "release", "belay-run")
BOARD_PY = os.path.join(ROOT, "tests", "boards", ".venv", "bin", "python")


def start_board():
    proc = subprocess.Popen(
        [BOARD_PY, os.path.join(ROOT, "tests", "boards", "board.py"), "unix"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    port = proc.stdout.readline().decode().strip()
    if not port.startswith("/dev/"):
        sys.exit("a test board did not start")
    return proc, port


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--boards", default="1,2,4,8")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; each board is a MicroPython unix port process behind a pty")
    print()
    print("| boards | calls/s in total | per board | total vs one board |")
    print("|---:|---:|---:|---|")
    single = None
    for n in (int(b) for b in args.boards.split(",")):
        boards = [start_board() for _ in range(n)]
        try:
            out = subprocess.run(
                [BELAY_RUN, os.path.join(ROOT, "bench", "scale_workload.py"), str(args.seconds)]
                + [port for _, port in boards],
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            for proc, _ in boards:
                proc.stdin.close()
                proc.wait()
        result = json.loads(out.stdout.strip().splitlines()[-1])
        total = result["total"]
        single = single or total
        per = total / n
        print(f"| {n} | {total:.0f} | {per:.0f} | {total / single:.2f}× (ideal {n}×) |", flush=True)


if __name__ == "__main__":
    main()
