"""A no-op `install` (everything on the board already current): belay-run against Belay 0.30.1,
measured in one run on the webassembly test board (its files are its own, so Belay may install
there), on a free link (a pty) and a paced one (`board.py --baud`, a USB-UART bridge).

    python3 bench/install_noop.py [--runs N] [--bauds 115200]

The project is tests/packages/fixtures.py's `full` one (local files and folders, an http file,
`github:`/`gitlab:` files, three groups, a package, main.py) downloaded once with belay-run from
tests/packages/index_server.py; both tools install that same tree. Each install is run once to
bring the board up to date, then timed N times (median); the board's byte counters give the
bytes each way per install. Needs tests/boards/install.sh and tests/packages/install.sh.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench import BELAY_RUN, BOARD_PY, ROOT, read_stats, settled_stats

BELAY_PY = os.path.join(ROOT, "tests", "packages", ".venv", "bin", "python")
PACKAGES = os.path.join(ROOT, "tests", "packages")


def announce(cmd, **kwargs):
    """Start a helper process that prints its address first; returns (process, address)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, **kwargs)
    line = proc.stdout.readline().decode().strip()
    if not line:
        sys.exit(f"{cmd[1]} did not start")
    return proc, line


def stop(proc):
    proc.stdin.close()
    proc.wait(timeout=10)


def measure(cmd, project, env, stats, runs):
    """Median seconds and bytes (to, from the board) of a no-op install."""
    subprocess.run(cmd, cwd=project, env=env, check=True, stdout=subprocess.DEVNULL)
    times, sent, received = [], [], []
    for _ in range(runs):
        before = settled_stats(stats)
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=project, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
        after = read_stats(stats)
        sent.append(after[0] - before[0])
        received.append(after[1] - before[1])
    return statistics.median(times), statistics.median(sent), statistics.median(received)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bauds", default="115200", help="comma-separated; '' for the free link only")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="belay-bench-install-")
    server, port = announce([sys.executable, "-B", os.path.join(PACKAGES, "index_server.py")])
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        BELAY_RUN_GITHUB_RAW=f"{base}/github",
        BELAY_RUN_GITLAB=f"{base}/gitlab",
        BELAY_RUN_CACHE_DIR=os.path.join(tmp, "cache"),
        NO_PROXY="127.0.0.1,localhost",
    )
    try:
        project = os.path.join(tmp, "project")
        subprocess.run([sys.executable, os.path.join(PACKAGES, "fixtures.py"), "full", project, "--server", base], check=True)
        subprocess.run([BELAY_RUN, "update"], cwd=project, env=env, check=True, stdout=subprocess.DEVNULL)
        print("| link | tool | no-op install s | ratio | bytes to board | bytes from board |")
        print("|---|---|---:|---:|---:|---:|")
        for baud in [None] + [int(b) for b in args.bauds.split(",") if b]:
            stats = os.path.join(tmp, f"stats-{baud}")
            board_cmd = [BOARD_PY, os.path.join(ROOT, "tests", "boards", "board.py"), "wasm", "--stats", stats]
            if baud:
                board_cmd += ["--baud", str(baud)]
            board, board_port = announce(board_cmd)
            try:
                ours = measure([BELAY_RUN, "install", board_port, "--main", "main.py"], project, env, stats, args.runs)
                theirs = measure(
                    [BELAY_PY, "-B", os.path.join(PACKAGES, "belay_mirrored.py"), "install", board_port, "--main", "main.py"],
                    project, env, stats, args.runs,
                )
            finally:
                stop(board)
            link = f"{baud} baud" if baud else "pty (free)"
            for tool, (t, sent, received) in (("belay-run", ours), ("Belay 0.30.1", theirs)):
                print(f"| {link} | {tool} | {t:.2f} | {t / theirs[0]:.2f}× | {sent:.0f} | {received:.0f} |")
    finally:
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
