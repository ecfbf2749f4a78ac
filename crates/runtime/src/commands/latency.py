# belay-run latency PORT [-c N] [-v] [-o CSV] [-t]: round trips of device("0"), reported as
# `belay latency` does. Arguments arrive in sys.argv: port, count, verbose, output, with_timing.
import statistics
import sys
import time

import belay

port, count, verbose, output, with_timing = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4], sys.argv[5] == "1"

device = belay.Device(port, auto_sync_time=with_timing)
latencies = []
if verbose:
    print(f"Measuring latency with {count} iterations...")
for i in range(count):
    start = time.perf_counter()
    device("0")
    elapsed_ms = (time.perf_counter() - start) * 1000
    latencies.append(elapsed_ms)
    if verbose:
        print(f"  {i + 1:2d}: {elapsed_ms:6.2f} ms")

if verbose:
    print()
print(f"Statistics ({count} samples):")
print(f"  Min:     {min(latencies):6.2f} ms")
print(f"  Max:     {max(latencies):6.2f} ms")
print(f"  Average: {statistics.mean(latencies):6.2f} ms")
print(f"  Median:  {statistics.median(latencies):6.2f} ms")
print(f"  Std Dev: {statistics.stdev(latencies) if len(latencies) > 1 else 0.0:6.2f} ms")

if output:
    with open(output, "w") as f:
        f.write("latency_ms\n")
        for ms in latencies:
            f.write(f"{ms:.2f}\n")
device.close()
