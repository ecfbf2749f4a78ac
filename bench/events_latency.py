"""Event latency: board->host events (`belay_emit` / `@device.on`) against polling with a task
every 10 ms, on the unix test board unpaced and on paced links, in one run.

    python3 bench/events_latency.py [--events N] [--bauds 115200] [--no-belay]

bench/events_workload.py runs under belay-run twice per link (events, then polling) and, when
bench/.venv holds Belay 0.30.1 (bench/run.sh installs it), once more under Belay (polling; Belay
has no events). The board takes N readings of `time.time_ns()` 20-40 ms apart; on the test boards
the board's clock is the host's (same machine), so each latency is the true delay from the reading
on the board to the host holding it. Prints one markdown table: medians and p99 in ms, bytes on
the wire per reading and per second each way (board.py --stats), events against polling.
"""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile

from bench import BELAY_PY, BELAY_RUN, BOARD_PY, ROOT, fmt_count, link_name, start_board, workload_json

WORKLOAD = os.path.join(ROOT, "bench", "events_workload.py")


def have_belay():
    if not os.path.exists(BELAY_PY):
        return False
    return subprocess.run([BELAY_PY, "-c", "import belay"], capture_output=True).returncode == 0


def measure(baud, n, with_belay):
    tmp = tempfile.mkdtemp(prefix="belay-bench-events-")
    stats = os.path.join(tmp, "stats")
    board, port = start_board("unix", baud, stats)
    env = dict(os.environ, BELAY_BENCH_STATS=stats)
    timeout = n * 0.040 + 60
    try:
        rows = [
            ("events", "belay-run", workload_json([BELAY_RUN, WORKLOAD, port, "events", str(n)], env, timeout)),
            ("poll", "belay-run", workload_json([BELAY_RUN, WORKLOAD, port, "poll", str(n)], env, timeout)),
        ]
        if with_belay:
            rows.append(("poll", "Belay 0.30.1", workload_json([BELAY_PY, WORKLOAD, port, "poll", str(n)], env, timeout)))
        return rows
    finally:
        board.stdin.close()
        board.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def pair(values):
    return " / ".join(fmt_count(v) for v in values) if values else "-"


def label(mode, tool):
    if mode == "events":
        return f"events: `@device.on` ({tool})"
    return f"polling: task every 10 ms ({tool})"


def table(results, n):
    lines = [
        f"{n} readings of the board's `time.time_ns()`, 20-40 ms apart (a fixed pseudo-random "
        "sequence). Latency: host `time.time_ns()` when the callback starts (events) or the poll "
        "returns (polling), minus the reading. Bytes sent to the board / received from it, per "
        "reading and per second of readings.",
        "",
        "| link | workload | median ms | p99 ms | max ms | bytes per reading | bytes/s "
        "| events / this (median, p99) | lost |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for baud, rows in results:
        link = f"{baud} baud" if baud else "pty (free)"
        events = next(r for mode, _, r in rows if mode == "events")
        for mode, tool, r in rows:
            if mode == "events":
                ratio = "-"
                lost = r["events"] - r["received"]
                lost_cell = f"{lost} ({r['dropped']} counted)" if lost or r["dropped"] else "0"
            else:
                ratio = f"{events['median_ms'] / r['median_ms']:.2f}×, {events['p99_ms'] / r['p99_ms']:.2f}×"
                lost_cell = str(r["events"] - r["received"])
            lines.append(
                f"| {link} | {label(mode, tool)} | {r['median_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.2f} "
                f"| {pair(r['bytes_per_reading'])} | {pair(r['bytes_per_s'])} | {ratio} | {lost_cell} |"
            )
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=200, help="readings per workload")
    ap.add_argument("--bauds", default="115200", help="comma-separated paced links ('' for the free link only)")
    ap.add_argument("--no-belay", action="store_true", help="skip polling under Belay 0.30.1")
    args = ap.parse_args()
    for path in (BELAY_RUN, BOARD_PY):
        if not os.path.exists(path):
            sys.exit(f"events_latency.py: {path} missing (tests/boards/install.sh; a release build)")
    with_belay = not args.no_belay and have_belay()
    if not args.no_belay and not with_belay:
        print("Belay 0.30.1 not in bench/.venv (bench/run.sh installs it): its row is skipped", file=sys.stderr)
    print(f"event latency, {datetime.date.today().isoformat()}, {os.cpu_count()} CPUs\n", flush=True)
    results = []
    for baud in [None] + [int(b) for b in args.bauds.split(",") if b]:
        print(f"measuring: {link_name('unix', baud)}", file=sys.stderr, flush=True)
        results.append((baud, measure(baud, args.events, with_belay)))
    print(table(results, args.events))
    print()
    errors = [
        f"{f'{baud} baud' if baud else 'pty'} {r['when_error_ms']:.2f} ms"
        for baud, rows in results
        for mode, _, r in rows
        if mode == "events" and r["when_error_ms"] is not None
    ]
    print(
        "The callbacks' `when` (the host's estimate of the emit time, from the board's clock) minus "
        "the true reading, median: " + ", ".join(errors) + "."
    )

if __name__ == "__main__":
    main()
