"""Run the same workload three ways in one run and print medians, ratios and bytes on the wire.

    bench/.venv/bin/python bench/bench.py [--boards unix,wasm] [--bauds 115200,921600]
                                          [--repeat N] [--paced-repeat N] [--no-paced-sync]

belay-run and Belay 0.30.1 (CPython) run bench/workload.py unchanged; the floor runs the same
command bytes through the bare raw-REPL exchange (crates/transport/examples/floor.rs).

Every board in --boards is measured behind a plain pty (unpaced: a byte costs nothing), and the
unix board again behind a pty paced like a USB-UART bridge at each of --bauds, 8N1
(tests/boards/board.py --baud). Each board keeps byte counters (board.py --stats FILE); the
workloads read them (BELAY_BENCH_STATS=FILE) and report the bytes sent to the board and received
from it per call, printed beside each time. The floor does not report bytes yet: its columns
show '-' (except for the first result, which is counted from outside the process).
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Builds go through .cargo/config.toml's explicit target, so artifacts live under the triple.
TARGET = os.path.join(ROOT, os.environ.get("CARGO_TARGET_DIR", "target"))
RELEASE = os.path.join(TARGET, "x86_64-unknown-linux-gnu", "release")
BELAY_RUN = os.path.join(RELEASE, "belay-run")
FLOOR = os.path.join(RELEASE, "examples", "floor")
BELAY_PY = os.path.join(ROOT, "bench", ".venv", "bin", "python")
BOARD_PY = os.path.join(ROOT, "tests", "boards", ".venv", "bin", "python")

# (key, label): the rows of the workload table. A workload's JSON has the median in ms under
# `key` and, with byte counters, [bytes to the board, bytes from the board] under `key_bytes`.
ROWS = [
    ("task_call", "task call `add(1, 2)`"),
    ("echo_4k_bytes", "echo of 4 KiB `bytes`"),
    ("echo_1000_ints", "echo of a 1000-int list"),
    ("echo_4k_random", "echo of 4 KiB random `bytes`"),
    ("echo_1000_sensor", "echo of 1000 sensor-like ints"),
    ("first_result", "process start to first task result"),
    ("connect", "connect time (`Device(port)`)"),
]

# Targets on the unix board, per link (None: unpaced): key -> (belay-run / floor, belay-run / Belay).
TARGETS = {
    None: {
        "task_call": (1.5, 0.15),
        "echo_4k_bytes": (None, 0.2),
        "echo_1000_ints": (None, 0.2),
        "first_result": (None, 0.25),
    },
    # Issue 11.
    115200: {
        "task_call": (1.3, 0.4),
        "echo_4k_bytes": (None, 0.35),
        "echo_1000_ints": (None, 0.35),
        "connect": (None, 0.5),
    },
}
# Bytes targets (issue 11): key -> most bytes (sent + received) per call above the floor's.
BYTES_TARGETS = {115200: {"task_call": 16}}
# No-op syncs per sync run: five unpaced; one on a paced link, where Belay re-sends everything
# every time (minutes at 115200 baud).
NOOP_RUNS = {None: 5}
PACED_NOOP_RUNS = 1


def bytes_key(key):
    """The JSON key of a measurement's byte counts: task_call -> task_call_bytes,
    sync_full_ms -> sync_full_bytes."""
    return key[: -len("_ms")] + "_bytes" if key.endswith("_ms") else key + "_bytes"


def read_stats(path):
    """(bytes host->board, bytes board->host) so far, from board.py --stats."""
    with open(path, "rb") as f:
        return struct.unpack("<QQ", f.read(16))


def settled_stats(path, quiet=0.05, limit=3.0):
    """The counters once the link has carried nothing for `quiet` s (what a previous process left
    on a paced wire, e.g. the banner after its close, is not counted in the next measurement)."""
    last = read_stats(path)
    since = time.perf_counter()
    while time.perf_counter() - since < quiet and time.perf_counter() - since < limit:
        time.sleep(0.005)
        now = read_stats(path)
        if now != last:
            last, since = now, time.perf_counter()
    return last


def start_board(kind, baud, stats):
    cmd = [BOARD_PY, os.path.join(ROOT, "tests", "boards", "board.py"), kind, "--stats", stats]
    if baud:
        cmd += ["--baud", str(baud)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    port = proc.stdout.readline().decode().strip()
    if not port.startswith("/dev/"):
        sys.exit(f"the {kind} board did not start")
    return proc, port


def merge_best(best, run):
    """Keep each measurement's best (lowest) time, with the byte counts of the run it came from
    (the machine's other load only ever adds time; bytes do not depend on it)."""
    for key, value in run.items():
        if isinstance(value, list):
            continue  # byte counts travel with their time
        if key not in best or value < best[key]:
            best[key] = value
            if isinstance(run.get(bytes_key(key)), list):
                best[bytes_key(key)] = run[bytes_key(key)]


def workload_json(cmd, env, timeout):
    """A workload's last stdout line as JSON; exits with what it printed when it fails or hangs
    (what it wrote on stderr otherwise is shown)."""
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        sys.exit(f"{' '.join(cmd)} hung (no result within {timeout:.0f} s):\n{(e.stderr or b'')[-3000:]}")
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    if out.stderr.strip():
        print(f"{os.path.basename(cmd[0])} {' '.join(cmd[1:4])}: stderr:\n{out.stderr[-2000:]}", file=sys.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_once(cmd, env):
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_json(cmd, repeat, env):
    """Run the workload `repeat` times; keep each measurement's best median."""
    best = {}
    for _ in range(repeat):
        merge_best(best, run_once(cmd, env))
    return best


def run_json_each(make_cmd, repeat, env):
    """Like run_json, with a fresh command line each run."""
    best = {}
    for _ in range(repeat):
        merge_best(best, run_once(make_cmd(), env))
    return best


def first_result(cmd, stats, env, n=15):
    """Median ms from process start to its first line, and the median bytes [to, from the board]
    the process had exchanged with the board by then."""
    samples, sent, received = [], [], []
    for _ in range(n):
        before = settled_stats(stats)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        line = proc.stdout.readline()
        samples.append(time.perf_counter() - t0)
        after = read_stats(stats)
        proc.wait()
        if not line.startswith("first result 3"):
            sys.exit(f"{cmd[0]}: unexpected output {line!r}")
        sent.append(after[0] - before[0])
        received.append(after[1] - before[1])
    return statistics.median(samples) * 1000, [statistics.median(sent), statistics.median(received)]


def measure(kind, baud, repeat, sync=True):
    tmp = tempfile.mkdtemp(prefix="belay-bench-")
    stats = os.path.join(tmp, "stats")
    board, port = start_board(kind, baud, stats)
    env = dict(os.environ, BELAY_BENCH_STATS=stats)
    try:
        workload = os.path.join(ROOT, "bench", "workload.py")
        first = os.path.join(ROOT, "bench", "first_result.py")
        results = {
            "floor": run_json([FLOOR, port], repeat, env),
            "belay-run": run_json([BELAY_RUN, workload, port], repeat, env),
            "Belay": run_json([BELAY_PY, workload, port], repeat, env),
        }
        first_cmds = {
            "floor": [FLOOR, port, "--first"],
            # As the README runs it: the board named with --port, so belay-run connects to it
            # while its interpreter starts.
            "belay-run": [BELAY_RUN, "--port", port, first, port],
            "Belay": [BELAY_PY, first, port],
        }
        for who, cmd in first_cmds.items():
            results[who]["first_result"], results[who]["first_result_bytes"] = first_result(cmd, stats, env)
        if sync:
            script = os.path.join(ROOT, "bench", "sync_workload.py")
            noop = str(NOOP_RUNS.get(baud, PACED_NOOP_RUNS))
            # The unix board's filesystem is the host's: each run syncs into a fresh host folder.
            dst = lambda: tempfile.mkdtemp(prefix="belay-bench-dst-") if kind == "unix" else f"/bench{time.monotonic_ns()}"
            results["sync"] = {
                "belay-run": run_json_each(lambda: [BELAY_RUN, script, port, dst(), noop], repeat, env),
                "Belay": run_json_each(lambda: [BELAY_PY, script, port, dst(), noop], repeat, env),
            }
        return results
    finally:
        board.stdin.close()
        board.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def verdict(value, target, op="≤"):
    if target is None:
        return ""
    met = value <= target if op == "≤" else value >= target
    return f" (target {op} {target:g}: {'met' if met else 'MISSED'})"


def fmt_count(n):
    return f"{n:.0f}" if float(n).is_integer() else f"{n:.1f}"


def fmt_bytes(pair):
    """[sent, received] as 'sent / received', '-' when not reported."""
    if not isinstance(pair, list):
        return "-"
    return f"{fmt_count(pair[0])} / {fmt_count(pair[1])}"


def link_name(kind, baud):
    if baud:
        return (
            f"MicroPython {kind} port behind a pty paced at {baud} baud, 8N1 "
            f"(`board.py --baud {baud}`: {10e6 / baud:.1f} µs a byte, each way)"
        )
    return f"MicroPython {kind} port behind a pty (unpaced)"


def table(kind, baud, r, repeat):
    targets = TARGETS.get(baud, {}) if kind == "unix" else {}
    bytes_targets = BYTES_TARGETS.get(baud, {}) if kind == "unix" else {}
    lines = [
        f"Board: {link_name(kind, baud)}. Medians in milliseconds, best of {repeat} run(s). "
        "Bytes on the wire sent to the board / received from it: per call, for the whole process "
        "up to its first result, and for one `Device(port)`.",
        "",
        "| workload | floor ms | belay-run ms | Belay 0.30.1 ms | belay-run / floor | belay-run / Belay "
        "| floor bytes | belay-run bytes | Belay 0.30.1 bytes |",
        "|---|---:|---:|---:|---|---|---:|---:|---:|",
    ]
    for key, label in ROWS:
        f, b, old = r["floor"][key], r["belay-run"][key], r["Belay"][key]
        t_floor, t_belay = targets.get(key, (None, None))
        vs_floor = f"{b / f:.2f}×" + verdict(b / f, t_floor)
        vs_belay = f"{b / old:.3f}×" + verdict(b / old, t_belay)
        floor_bytes, new_bytes, old_bytes = (r[who].get(bytes_key(key)) for who in ("floor", "belay-run", "Belay"))
        new_cell = fmt_bytes(new_bytes)
        if key in bytes_targets and isinstance(new_bytes, list):
            if isinstance(floor_bytes, list):
                above = sum(new_bytes) - sum(floor_bytes)
                met = "met" if above <= bytes_targets[key] else "MISSED"
                new_cell += f" ({above:+.0f} vs floor; target ≤ +{bytes_targets[key]}: {met})"
            else:
                new_cell += f" (target ≤ floor + {bytes_targets[key]}: floor bytes unknown)"
        lines.append(
            f"| {label} | {f:.3f} | {b:.3f} | {old:.3f} | {vs_floor} | {vs_belay} "
            f"| {fmt_bytes(floor_bytes)} | {new_cell} | {fmt_bytes(old_bytes)} |"
        )
    if "sync" not in r:
        return "\n".join(lines)
    new, old = r["sync"]["belay-run"], r["sync"]["Belay"]
    rate = lambda run: run["bytes"] / 1024 / (run["sync_full_ms"] / 1000)
    speedup = rate(new) / rate(old)
    target = verdict(speedup, 5, "≥") if kind == "unix" and baud is None else ""
    lines += [
        "",
        f"`sync` of 50 text files and one 256 KiB binary ({new['bytes'] / 1024:.0f} KiB), into an empty folder, "
        f"then unchanged ({NOOP_RUNS.get(baud, PACED_NOOP_RUNS)} no-op sync(s)); bytes sent / received for the "
        "full sync and per no-op sync:",
        "",
        "| sync | belay-run | Belay 0.30.1 | belay-run vs Belay | belay-run bytes | Belay 0.30.1 bytes |",
        "|---|---:|---:|---|---:|---:|",
        f"| full transfer, KiB/s | {rate(new):.0f} | {rate(old):.0f} | {speedup:.1f}× faster{target} "
        f"| {fmt_bytes(new.get('sync_full_bytes'))} | {fmt_bytes(old.get('sync_full_bytes'))} |",
        f"| no-op sync (nothing changed), ms | {new['sync_noop_ms']:.1f} | {old['sync_noop_ms']:.1f} "
        f"| {old['sync_noop_ms'] / new['sync_noop_ms']:.1f}× faster "
        f"| {fmt_bytes(new.get('sync_noop_bytes'))} | {fmt_bytes(old.get('sync_noop_bytes'))} |",
    ]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boards", default="unix", help="comma-separated, measured unpaced: unix, wasm")
    ap.add_argument(
        "--bauds", default="115200,921600", help="comma-separated baud rates of paced links for the unix board ('' for none)"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per workload unpaced; the best median counts")
    ap.add_argument(
        "--paced-repeat",
        type=int,
        default=1,
        help="runs per workload on a paced link (wire time dominates and varies little; Belay's run takes minutes)",
    )
    ap.add_argument("--no-paced-sync", action="store_true", help="skip the sync workload on paced links")
    args = ap.parse_args()
    for path in (BELAY_RUN, FLOOR, BELAY_PY, BOARD_PY):
        if not os.path.exists(path):
            sys.exit(f"bench.py: {path} missing; run bench/run.sh")
    links = [(kind, None) for kind in args.boards.split(",") if kind]
    links += [("unix", int(baud)) for baud in args.bauds.split(",") if baud]
    print(f"belay-run benchmark, {datetime.date.today().isoformat()}, {os.cpu_count()} CPUs\n", flush=True)
    for kind, baud in links:
        repeat = args.paced_repeat if baud else args.repeat
        results = measure(kind, baud, repeat, sync=not (baud and args.no_paced_sync))
        print(table(kind, baud, results, repeat), flush=True)
        print(flush=True)


if __name__ == "__main__":
    main()
