"""Start-up of belay-run builds, measured side by side in one run: `--version`, an empty script,
`-c pass`, a 300 000-step Python loop (the interpreter's speed), the time to the first task result
on the unix test board (`bench/first_result.py`: connect, define a task, call it; with `--board`),
and the size of each binary.

    python3 bench/startup.py BINARY [BINARY...] [--runs N] [--board]

A BINARY may carry the emulator that runs it, as one argument: "qemu-aarch64 dist/out/aarch64-
unknown-linux-gnu/belay-run", "/usr/lib/wine/wine64 dist/out/x86_64-win7-windows-gnu/belay-run.exe"
(README "Platforms"; wine gets its paths as Z:\...; `--board` is for native binaries only).

Each command runs N times (default 40) per binary, interleaved (so load on the machine hits every
binary alike); the median wall time is printed in milliseconds, with the ratio to the first binary.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import tempfile
import time

from bench import ROOT, start_board


def command(binary, extra):
    """The command line for `binary` (perhaps "EMULATOR PATH") with `extra` arguments; file
    arguments become Windows paths for a .exe."""
    parts = shlex.split(binary)
    if parts[-1].endswith(".exe"):
        extra = ["Z:" + a.replace("/", "\\") if os.path.isabs(a) else a for a in extra]
    return parts + extra


def timed(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--board", action="store_true", help="also time the first task result on the unix board")
    args = ap.parse_args()
    board = None
    if args.board:
        # The unix test board behind a pty, as the tests start it (tests/boards/install.sh first).
        stats = tempfile.NamedTemporaryFile(prefix="belay-startup-stats-")
        board, port = start_board("unix", None, stats.name)
    try:
        run(args, port if board else None)
    finally:
        if board:
            board.stdin.close()
            board.wait()


def run(args, port):
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.py")
        open(empty, "w").close()
        loop = "s = 0\nfor i in range(300000):\n    s += i * i % 7\n"
        workloads = [
            ("--version", ["--version"]),
            ("empty script", [empty]),
            ("-c pass", ["-c", "pass"]),
            ("300k-step loop", ["-c", loop]),
        ]
        if port:
            workloads.append(("first task result", [os.path.join(ROOT, "bench", "first_result.py"), port]))
        times = {(b, w): [] for b in args.binaries for w, _ in workloads}
        runnable = {b: True for b in args.binaries}
        for _ in range(args.runs):
            for name, extra in workloads:
                for binary in args.binaries:
                    if "first task" in name and len(shlex.split(binary)) > 1:
                        continue
                    try:
                        times[(binary, name)].append(timed(command(binary, extra)))
                    except subprocess.CalledProcessError:
                        runnable[binary] = runnable[binary] and name != "-c pass"
    first = args.binaries[0]
    print("| binary | size MiB | " + " | ".join(f"{w} ms" for w, _ in workloads) + " |")
    print("|---|---:|" + "---:|" * len(workloads))
    for binary in args.binaries:
        cells = []
        for name, _ in workloads:
            samples = times[(binary, name)]
            if not samples:
                cells.append("-")
                continue
            median = statistics.median(samples) * 1000
            base = times[(first, name)]
            ratio = median / (statistics.median(base) * 1000) if base else float("nan")
            cells.append(f"{median:.1f} ({ratio:.2f}×)")
        size = os.path.getsize(shlex.split(binary)[-1]) / 2**20
        print(f"| {binary} | {size:.1f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
