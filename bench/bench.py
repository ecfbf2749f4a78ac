"""Run the same workload three ways in one run and print medians and ratios.

    bench/.venv/bin/python bench/bench.py [--boards unix,wasm]

belay-run and Belay 0.30.1 (CPython) run bench/workload.py unchanged; the floor runs the same
command bytes through the bare raw-REPL exchange (crates/transport/examples/floor.rs).
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BELAY_RUN = os.path.join(TARGET, "debug", "belay-run")
FLOOR = os.path.join(TARGET, "debug", "examples", "floor")
BELAY_PY = os.path.join(ROOT, "bench", ".venv", "bin", "python")
BOARD_PY = os.path.join(ROOT, "tests", "boards", ".venv", "bin", "python")

# (key, label, target vs floor, target vs Belay) for the unix board.
ROWS = [
    ("task_call", "task call `add(1, 2)`", 1.5, 0.15),
    ("echo_4k_bytes", "echo of 4 KiB `bytes`", None, 0.2),
    ("echo_1000_ints", "echo of a 1000-int list", None, 0.2),
    ("first_result", "process start to first task result", None, 0.25),
    ("connect", "connect time (`Device(port)`)", None, None),
]


def start_board(kind):
    proc = subprocess.Popen(
        [BOARD_PY, os.path.join(ROOT, "tests", "boards", "board.py"), kind],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    port = proc.stdout.readline().decode().strip()
    if not port.startswith("/dev/"):
        sys.exit(f"the {kind} board did not start")
    return proc, port


def run_json(cmd, repeat):
    """Run the workload `repeat` times; keep each measurement's best median (the machine's other
    load only ever adds time)."""
    best = {}
    for _ in range(repeat):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
        for key, value in json.loads(out.stdout.strip().splitlines()[-1]).items():
            best[key] = min(value, best.get(key, value))
    return best


def run_json_each(make_cmd, repeat):
    """Like run_json, with a fresh command line each run."""
    best = {}
    for _ in range(repeat):
        best_run = run_json(make_cmd(), 1)
        for key, value in best_run.items():
            best[key] = min(value, best.get(key, value))
    return best


def first_result_ms(cmd, n=15):
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        line = proc.stdout.readline()
        samples.append(time.perf_counter() - t0)
        proc.wait()
        if not line.startswith("first result 3"):
            sys.exit(f"{cmd[0]}: unexpected output {line!r}")
    return statistics.median(samples) * 1000


def measure(kind, repeat):
    board, port = start_board(kind)
    try:
        workload = os.path.join(ROOT, "bench", "workload.py")
        first = os.path.join(ROOT, "bench", "first_result.py")
        results = {
            "floor": run_json([FLOOR, port], repeat),
            "belay-run": run_json([BELAY_RUN, workload, port], repeat),
            "Belay": run_json([BELAY_PY, workload, port], repeat),
        }
        results["floor"]["first_result"] = first_result_ms([FLOOR, port, "--first"])
        # As the README runs it: the board named with --port, so belay-run connects to it while
        # its interpreter starts.
        results["belay-run"]["first_result"] = first_result_ms([BELAY_RUN, "--port", port, first, port])
        results["Belay"]["first_result"] = first_result_ms([BELAY_PY, first, port])
        sync = os.path.join(ROOT, "bench", "sync_workload.py")
        # The unix board's filesystem is the host's: each run syncs into a fresh host folder.
        dst = lambda: tempfile.mkdtemp(prefix="belay-bench-dst-") if kind == "unix" else f"/bench{time.monotonic_ns()}"
        results["sync"] = {
            "belay-run": run_json_each(lambda: [BELAY_RUN, sync, port, dst()], repeat),
            "Belay": run_json_each(lambda: [BELAY_PY, sync, port, dst()], repeat),
        }
        return results
    finally:
        board.stdin.close()
        board.wait()


def verdict(value, target):
    if target is None:
        return ""
    return f" (target ≤ {target:g}: {'met' if value <= target else 'MISSED'})"


def table(kind, r):
    lines = [
        f"Board: MicroPython {kind} port behind a pty. Medians in milliseconds.",
        "",
        "| workload | floor | belay-run | Belay 0.30.1 | belay-run / floor | belay-run / Belay |",
        "|---|---:|---:|---:|---|---|",
    ]
    for key, label, t_floor, t_belay in ROWS:
        f, b, old = r["floor"][key], r["belay-run"][key], r["Belay"][key]
        vs_floor = f"{b / f:.2f}×" + (verdict(b / f, t_floor) if kind == "unix" else "")
        vs_belay = f"{b / old:.3f}×" + (verdict(b / old, t_belay) if kind == "unix" else "")
        lines.append(f"| {label} | {f:.3f} | {b:.3f} | {old:.3f} | {vs_floor} | {vs_belay} |")
    new, old = r["sync"]["belay-run"], r["sync"]["Belay"]
    rate = lambda run: run["bytes"] / 1024 / (run["sync_full_ms"] / 1000)
    speedup = rate(new) / rate(old)
    target = f" (target ≥ 5: {'met' if speedup >= 5 else 'MISSED'})" if kind == "unix" else ""
    lines += [
        "",
        f"`sync` of 50 text files and one 256 KiB binary ({new['bytes'] / 1024:.0f} KiB), into an empty folder, then unchanged:",
        "",
        "| sync | belay-run | Belay 0.30.1 | belay-run vs Belay |",
        "|---|---:|---:|---|",
        f"| full transfer, KiB/s | {rate(new):.0f} | {rate(old):.0f} | {speedup:.1f}× faster{target} |",
        f"| no-op sync (nothing changed), ms | {new['sync_noop_ms']:.1f} | {old['sync_noop_ms']:.1f} | {old['sync_noop_ms'] / new['sync_noop_ms']:.1f}× faster |",
    ]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boards", default="unix", help="comma-separated: unix, wasm")
    ap.add_argument("--repeat", type=int, default=3, help="runs per workload; the best median counts")
    args = ap.parse_args()
    print(f"belay-run benchmark, {datetime.date.today().isoformat()}, {os.cpu_count()} CPUs, best of {args.repeat} runs\n")
    for kind in args.boards.split(","):
        print(table(kind, measure(kind, args.repeat)))
        print()


if __name__ == "__main__":
    main()
