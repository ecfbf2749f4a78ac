"""Mount and fs: importing a 20-module package through `device.mount` against syncing it first,
and `belay-run fs cp -r` of 50 files against mpremote's, on the unix test board unpaced and on
paced links, in one run.

    python3 bench/mount_fs.py [--bauds 115200] [--repeat 3] [--paced-repeat 1]

Figure 1: bench/mount_fs_workload.py under belay-run (mount + import, sync + import, then again
with nothing changed and after editing one module). Figure 2: `belay-run fs PORT cp -r DIR :DST`
and `mpremote connect PORT fs cp -r DIR :DST` (mpremote from bench/.venv: bench/run.sh installs
it), each timed from process start to exit, into an empty board folder and then again unchanged;
the board folder is emptied before each tool's first copy and every copy is compared with its
source. Bytes sent to the board / received from it come from the board's counters
(board.py --stats). The board's paths are all in a scratch folder made here (the unix board's
files are the host's). Prints markdown tables.
"""
import argparse
import datetime
import filecmp
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench import BELAY_RUN, BOARD_PY, ROOT, fmt_count, link_name, settled_stats, start_board, workload_json

WORKLOAD = os.path.join(ROOT, "bench", "mount_fs_workload.py")
MPREMOTE = os.path.join(ROOT, "bench", ".venv", "bin", "mpremote")
FILES = 50


def mpremote_version():
    out = subprocess.run([MPREMOTE, "--version"], capture_output=True, text=True)
    return out.stdout.split()[-1] if out.returncode == 0 else "?"


def make_files(folder):
    """50 text files of 1-4 KiB (fixed pseudo-random letters, spaces and newlines); their size."""
    rng = random.Random(2)
    os.makedirs(folder)
    total = 0
    for i in range(FILES):
        text = "".join(rng.choice("abcdefghij \n") for _ in range(rng.randint(1024, 4096)))
        with open(os.path.join(folder, f"file{i:02d}.txt"), "w") as f:
            f.write(text)
        total += len(text)
    return total


def same_tree(a, b):
    """Folder b holds exactly the 50 files of folder a, byte for byte."""
    cmp = filecmp.dircmp(a, b)
    match, _, _ = filecmp.cmpfiles(a, b, cmp.left_list, shallow=False)
    return len(match) == len(cmp.left_list) == FILES and not cmp.right_only


def timed(cmd, stats, timeout):
    """(ms from start to exit, [bytes sent, received], the lines it printed) of one command."""
    before = settled_stats(stats)
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        sys.exit(f"{' '.join(cmd)} hung (no exit within {timeout} s)")
    ms = (time.perf_counter() - t0) * 1000
    after = settled_stats(stats)  # with what the board sent after the command left
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    lines = out.stdout.strip().splitlines()
    return ms, [after[0] - before[0], after[1] - before[1]], lines


def copies(port, stats, scratch, repeat, timeout):
    """Each tool's `ls`, copy into an empty folder and copy again unchanged: tool -> {step: [ms,
    bytes]}, the folder's size, and what each tool printed for the unchanged copy."""
    src = os.path.join(scratch, "files")
    size = make_files(src)
    dst = os.path.join(scratch, "board-cp")
    landed = os.path.join(dst, "files")  # an existing folder: the copy lands in it by its name
    tools = {
        "belay-run": [BELAY_RUN, "fs", port],
        "mpremote": [MPREMOTE, "connect", port, "fs"],
    }
    samples = {tool: {"ls": [], "first": [], "again": []} for tool in tools}
    said = {}
    for _ in range(repeat):
        for tool, fs in tools.items():
            shutil.rmtree(dst, ignore_errors=True)
            os.makedirs(dst)
            # The fixed cost of a command: start, connect, list the empty folder, leave.
            ms, wire, _ = timed(fs + ["ls", ":" + dst], stats, timeout)
            samples[tool]["ls"].append((ms, wire))
            cmd = fs + ["cp", "-r", src, ":" + dst]
            for step in ("first", "again"):
                ms, wire, lines = timed(cmd, stats, timeout)
                if not same_tree(src, landed):
                    sys.exit(f"{' '.join(cmd)}: {landed} differs from {src} after the {step} copy")
                samples[tool][step].append((ms, wire))
            said[tool] = lines
    result = {}
    for tool, steps in samples.items():
        result[tool] = {
            step: [statistics.median(s[0] for s in runs), [statistics.median(s[1][i] for s in runs) for i in (0, 1)]]
            for step, runs in steps.items()
        }
    return result, size, said


def measure(baud, repeat):
    scratch = tempfile.mkdtemp(prefix="belay-bench-mount-")
    stats = os.path.join(scratch, "stats")
    board, port = start_board("unix", baud, stats)
    env = dict(os.environ, BELAY_BENCH_STATS=stats)
    timeout = 900 if baud else 120
    try:
        work = os.path.join(scratch, "workload")
        os.makedirs(work)
        mount = workload_json([BELAY_RUN, WORKLOAD, port, work, str(repeat)], env, timeout)
        cp, size, said = copies(port, stats, scratch, repeat, timeout)
        return mount, cp, size, said
    finally:
        board.stdin.close()
        board.wait()
        shutil.rmtree(scratch, ignore_errors=True)


def pair(values):
    return " / ".join(fmt_count(v) for v in values)


def link(baud):
    return f"{baud} baud" if baud else "pty (free)"


def mount_table(results):
    lines = [
        "| link | step | mount ms | mount operations (reads) | mount bytes | sync ms (of it: import) | sync bytes "
        "| mount / sync |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    steps = [
        ("first", "mount, or sync into an empty folder; then `import pkg.all`"),
        ("again", "import again, nothing changed (sync: a no-op sync first)"),
        ("edited", "import again after editing one module (sync: 1 file sent)"),
    ]
    for baud, r in results:
        for step, label in steps:
            m, s = r[f"mount_{step}"], r[f"sync_{step}"]
            of_it = f" ({r['sync_import'][0]:.1f})" if step == "first" else ""
            ops = f"{fmt_count(m[2][0])} ({fmt_count(m[2][1])})" if m[2][0] else "-"
            lines.append(
                f"| {link(baud)} | {label} | {m[0]:.1f} | {ops} | {pair(m[1])} "
                f"| {s[0]:.1f}{of_it} | {pair(s[1])} "
                f"| {m[0] / s[0]:.2f}× |"
            )
    return "\n".join(lines)


def cp_table(results, size, version):
    lines = [
        f"| link | command ({FILES} files, {size / 1024:.0f} KiB) | belay-run ms | belay-run bytes "
        f"| mpremote {version} ms | mpremote bytes | belay-run / mpremote |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for baud, r in results:
        for step, label in (
            ("ls", "`fs ls` of the empty folder (start, connect, exit)"),
            ("first", "`cp -r` into the empty folder"),
            ("again", "`cp -r` again, nothing changed"),
        ):
            b, m = r["belay-run"][step], r["mpremote"][step]
            lines.append(
                f"| {link(baud)} | {label} | {b[0]:.1f} | {pair(b[1])} | {m[0]:.1f} | {pair(m[1])} | {b[0] / m[0]:.2f}× |"
            )
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bauds", default="115200", help="comma-separated paced links ('' for the free link only)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each step unpaced; the median counts")
    ap.add_argument("--paced-repeat", type=int, default=1, help="runs of each step on a paced link")
    args = ap.parse_args()
    for path in (BELAY_RUN, BOARD_PY, MPREMOTE):
        if not os.path.exists(path):
            sys.exit(f"mount_fs.py: {path} missing (bench/run.sh installs mpremote; a release build)")
    version = mpremote_version()
    print(f"mount and fs, {datetime.date.today().isoformat()}, {os.cpu_count()} CPUs\n", flush=True)
    mounts, cps, notes = [], [], []
    for baud in [None] + [int(b) for b in args.bauds.split(",") if b]:
        print(f"measuring: {link_name('unix', baud)}", file=sys.stderr, flush=True)
        mount, cp, size, said = measure(baud, args.paced_repeat if baud else args.repeat)
        mounts.append((baud, mount))
        cps.append((baud, cp))
        notes.append(
            f"{link(baud)}: first mount {mount['warmup_mount'][0]:.1f} ms, {pair(mount['warmup_mount'][1])} bytes; "
            f"first sync {mount['warmup_sync'][0]:.1f} ms, {pair(mount['warmup_sync'][1])} bytes"
        )
    print(
        "Package `pkg`: an empty `__init__.py`, 20 modules of about 1 KiB and `all.py` importing them; "
        "board code runs `import pkg.all` with the package's modules dropped from `sys.modules` first. "
        "Medians in ms; bytes sent to the board / received from it per step.\n"
    )
    print(mount_table(mounts))
    print()
    print("Once per connection, before the above (helpers defined, an empty folder): " + "; ".join(notes) + ".")
    print()
    print(cp_table(cps, size, version))
    print()
    for tool in ("belay-run", "mpremote"):
        lines = said[tool]
        up_to_date = sum(1 for line in lines if line.startswith("Up to date"))
        shown = f"{up_to_date} 'Up to date' lines" if up_to_date else (lines[-1] if lines else "(nothing)")
        print(f"{tool}, unchanged copy, printed: {shown}")


if __name__ == "__main__":
    main()
