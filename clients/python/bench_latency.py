#!/usr/bin/env python3
"""Round-trip latency and pipelined throughput of arbiter_client against a real serve.

    python3 clients/python/bench_latency.py --binary .build/release/arbiter --rules Rules \\
        [--audit summary] [--sequential 5000] [--pipelined 100000]

Requests are the shared workload (bench/gen_requests.py, no malformed lines). Prints:
- one at a time: p50 / p90 / p99 / max of decide() round trips (write, serve decides,
  read, JSON decode), after 200 warm-up requests;
- pipelined: decisions/s through decide_stream (window 4096), and, for comparison, serve
  alone fed the same lines from a file (its output to a pipe that is read and thrown away).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from arbiter_client import Arbiter  # noqa: E402

ROOT = HERE.parents[1]


def workload(count):
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_requests.py"), "-n", str(count)],
        check=True,
        capture_output=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def percentile(sorted_values, p):
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.environ.get("ARBITER_BINARY", str(ROOT / ".build/release/arbiter")))
    ap.add_argument("--rules", default=str(ROOT / "Rules"))
    ap.add_argument("--audit", default="summary", choices=["full", "summary", "none"])
    ap.add_argument("--sequential", type=int, default=5000)
    ap.add_argument("--pipelined", type=int, default=100000)
    args = ap.parse_args()

    requests = workload(max(args.sequential, args.pipelined))
    print(f"binary {args.binary} ({subprocess.run([args.binary, '--version'], capture_output=True, text=True).stdout.strip()}),"
          f" --audit {args.audit}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")

    with Arbiter(binary=args.binary, rules=args.rules, audit=args.audit) as arbiter:
        for request in requests[:200]:
            arbiter.decide(request)
        times = []
        for request in requests[: args.sequential]:
            started = time.perf_counter()
            arbiter.decide(request)
            times.append((time.perf_counter() - started) * 1e6)
        times.sort()
        print(
            f"one at a time, {len(times)} requests: p50 {percentile(times, 50):.0f} µs, p90 {percentile(times, 90):.0f} µs,"
            f" p99 {percentile(times, 99):.0f} µs, max {times[-1]:.0f} µs, mean {statistics.fmean(times):.0f} µs"
        )

        batch = requests[: args.pipelined]
        started = time.perf_counter()
        count = sum(1 for _ in arbiter.decide_stream(batch, window=4096))
        elapsed = time.perf_counter() - started
        print(f"pipelined (decide_stream, window 4096), {count} requests: {elapsed:.2f} s, {count / elapsed:,.0f} decisions/s")

    with tempfile.NamedTemporaryFile("wb", suffix=".jsonl") as lines:
        for request in batch:
            lines.write(json.dumps(request, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        lines.flush()
        with open(lines.name, "rb") as source:
            started = time.perf_counter()
            proc = subprocess.Popen(
                [args.binary, "serve", "--rules", args.rules, "--audit", args.audit], stdin=source, stdout=subprocess.PIPE
            )
            answered = sum(1 for _ in proc.stdout)
            proc.wait()
            elapsed = time.perf_counter() - started
        print(f"serve alone, same {answered} lines from a file: {elapsed:.2f} s, {answered / elapsed:,.0f} decisions/s")


if __name__ == "__main__":
    main()
