"""Host packages (issue 26): a cold install of rich and its dependencies from a local index into a
fresh `--target` folder, belay-run against CPython's pip and uv, and the warm start-up of a PEP 723
script (its environment already in the cache, made by a first run of a script with the same block
that imports rich) against the same script without a block.

    python3 bench/pip.py [--runs N] [--belay-run PATH] [--uv PATH] [--rate BYTES_PER_SECOND]

The index is tests/pypi/index_server.py over the real wheels of tests/pypi/wheels.txt (run
tests/pypi/install.sh first: it also makes tests/pypi/.venv, whose pip 26.3 is measured); uv comes
from bench/.venv (bench/run.sh installs it). Cold means an empty cache and an empty folder for
every run, for every tool: belay-run's `BELAY_RUN_CACHE_DIR`, pip's
`PIP_CACHE_DIR`, uv's `UV_CACHE_DIR`. pip gets `--no-compile` (belay-run and uv write no
.pyc either) and, as in the differential tests, `--python-version 3.14 --only-binary=:all:`; uv
`--python-version 3.14`. Runs are interleaved (load on the machine hits every tool alike); the
median wall time of N runs (default 7 installs, 4×N start-ups) is printed in milliseconds as a
Markdown table. A tool that fails is reported with its first error line, not timed.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BELAY_RUN = os.path.join(ROOT, "target", "x86_64-unknown-linux-gnu", "release", "belay-run")
PIP_PYTHON = os.path.join(ROOT, "tests", "pypi", ".venv", "bin", "python")
UV = os.path.join(ROOT, "bench", ".venv", "bin", "uv")
SERVER = os.path.join(ROOT, "tests", "pypi", "index_server.py")
REQUIREMENT = "rich"
BLOCK = '# /// script\n# dependencies = ["rich"]\n# ///\n'


def start_index(rate):
    """tests/pypi/index_server.py, its answers paced at `rate` bytes/s (0: free); (process, index URL)."""
    pace = ["--rate", str(rate)] if rate else []
    proc = subprocess.Popen([sys.executable, "-B", SERVER, *pace], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    port = proc.stdout.readline().decode().strip()
    if not port:
        sys.exit("tests/pypi/index_server.py did not start (run tests/pypi/install.sh)")
    return proc, f"http://127.0.0.1:{port}/simple"


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "BELAY_RUN_"))}
    env.pop("VIRTUAL_ENV", None)
    env.update(NO_PROXY="127.0.0.1,localhost", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_CONFIG_FILE="/dev/null")
    env.update(extra)
    return env


def timed(cmd, env):
    """Wall time of `cmd` in seconds, or the first line of its error."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - t0
    if done.returncode != 0:
        lines = [l.strip() for l in done.stderr.decode(errors="replace").splitlines() if l.strip()]
        # miette's message line (`× ...`) rather than its code line, pip's `ERROR: ...`.
        # A Python traceback: its last line.
        told = [l.lstrip("× ") for l in lines if l.startswith(("×", "ERROR", "error"))] or lines
        if told and told[0].startswith("Traceback"):
            told = told[-1:]
        return told[0] if told else f"exit status {done.returncode}"
    return took


def cold_installs(belay_run, uv_binary, index):
    """name -> a function(scratch folder) giving the command and environment of one cold install."""
    def belay(tmp):
        cmd = [belay_run, "pip", "install", "--target", os.path.join(tmp, "t"), "-i", index, REQUIREMENT]
        return cmd, clean_env(BELAY_RUN_CACHE_DIR=os.path.join(tmp, "cache"))

    def pip(tmp):
        cmd = [PIP_PYTHON, "-m", "pip", "install", "--target", os.path.join(tmp, "t"), "--no-compile",
               "--python-version", "3.14", "--only-binary=:all:", "-i", index, REQUIREMENT]
        return cmd, clean_env(PIP_CACHE_DIR=os.path.join(tmp, "cache"))

    def uv(tmp):
        cmd = [uv_binary, "pip", "install", "--target", os.path.join(tmp, "t"), "--python-version", "3.14",
               "--python", sys.executable, "--index-url", index, REQUIREMENT]
        return cmd, clean_env(UV_CACHE_DIR=os.path.join(tmp, "cache"))

    tools = {"belay-run": belay, "pip 26.3": pip}
    if os.path.exists(uv_binary):
        tools["uv"] = uv
    else:
        print(f"(no {uv_binary}: run bench/run.sh once to install uv into bench/.venv)", file=sys.stderr)
    return tools


def measure_installs(tools, runs):
    results = {name: [] for name in tools}
    for _ in range(runs):
        for name, make in tools.items():
            with tempfile.TemporaryDirectory(prefix="belay-bench-pip-") as tmp:
                cmd, env = make(tmp)
                results[name].append(timed(cmd, env))
    return results


def measure_startup(belay_run, index, runs):
    """Warm start of a script with a `# /// script` block, and of the same script without one."""
    results = {"with a block (warm)": [], "without a block": []}
    with tempfile.TemporaryDirectory(prefix="belay-bench-pep723-") as tmp:
        env = clean_env(BELAY_RUN_CACHE_DIR=os.path.join(tmp, "cache"), PIP_INDEX_URL=index)
        with_block, without = os.path.join(tmp, "with_block.py"), os.path.join(tmp, "plain.py")
        with open(with_block, "w") as f:
            f.write(BLOCK + "pass\n")
        with open(without, "w") as f:
            f.write("pass\n")
        # The first run makes the environment: a script with the same block that imports rich
        # (so that a belay-run that ignored the block fails here instead of being timed).
        check = os.path.join(tmp, "check.py")
        with open(check, "w") as f:
            f.write(BLOCK + "import rich\n")
        first = timed([belay_run, check], env)
        if isinstance(first, str):
            results["with a block (warm)"].append(first)
            return results
        for _ in range(runs):
            for name, script in (("with a block (warm)", with_block), ("without a block", without)):
                results[name].append(timed([belay_run, script], env))
    return results


def cell(samples):
    if not samples:
        return "not measured"
    failures = [s for s in samples if isinstance(s, str)]
    if failures:
        return f"failed: {failures[0]}"
    return f"{statistics.median(samples) * 1000:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--belay-run", default=BELAY_RUN)
    ap.add_argument("--uv", default=UV, help="the uv binary (default: bench/.venv's)")
    ap.add_argument(
        "--rate", type=int, default=0, help="pace the index at this many bytes/s (a slow link; default: free)"
    )
    args = ap.parse_args()
    if not os.path.exists(PIP_PYTHON):
        sys.exit("no tests/pypi/.venv: run tests/pypi/install.sh")
    server, index = start_index(args.rate)
    try:
        installs = measure_installs(cold_installs(args.belay_run, args.uv, index), args.runs)
        startup = measure_startup(args.belay_run, index, 4 * args.runs)
    finally:
        server.stdin.close()
        server.wait(timeout=10)
    base = installs["pip 26.3"]
    link = f"paced at {args.rate} bytes/s" if args.rate else "free (loopback)"
    print(f"Cold install of `{REQUIREMENT}` (rich 15.0.0, markdown-it-py, mdurl, pygments) from a local index "
          f"({link}) into a fresh folder, empty cache; median of {args.runs} runs:\n")
    print("| tool | cold install ms | vs pip |\n|---|---:|---:|")
    for name, samples in installs.items():
        ok = not any(isinstance(s, str) for s in samples + base)
        ratio = f"{statistics.median(samples) / statistics.median(base):.2f}×" if ok else "–"
        print(f"| {name} | {cell(samples)} | {ratio} |")
    print(f"\nbelay-run start-up of an empty script, median of {4 * args.runs} runs:\n")
    print("| script | ms |\n|---|---:|")
    for name, samples in startup.items():
        print(f"| {name} | {cell(samples)} |")
    a, b = startup["with a block (warm)"], startup["without a block"]
    if a and b and not any(isinstance(s, str) for s in a + b):
        extra = (statistics.median(a) - statistics.median(b)) * 1000
        print(f"\nA warm `# /// script` block adds {extra:.1f} ms (goal: at most 10 ms).")


if __name__ == "__main__":
    main()
