#!/usr/bin/env python3
"""Interactive round trip of `arbiter serve`: write one request line, wait for its answer, repeat.

    python3 bench/latency.py [--binary .build/release/arbiter] [--audit summary] [-n 20000]

Talks to serve over raw pipes (os.write / os.read, no JSON work in the timed loop), so the
figure is serve's answer time plus two pipe hops, as a service written in any language sees it.
Requests are the shared workload's (bench/gen_requests.py); prints p50/p90/p99/p99.9 in µs,
then the same for `cat` echoing the same lines: the floor the machine's pipes and scheduler set.
"""
import argparse
import os
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--binary", default=".build/release/arbiter")
parser.add_argument("--rules", default="Rules")
parser.add_argument("--audit", default="summary")
parser.add_argument("-n", type=int, default=20000)
parser.add_argument("--threads", default="1")
arguments = parser.parse_args()

here = os.path.dirname(os.path.abspath(__file__))
workload = subprocess.run([sys.executable, os.path.join(here, "gen_requests.py"), "-n", "2000"],
                          check=True, capture_output=True).stdout.splitlines(keepends=True)


def measure(command):
    """Round trips of the workload's lines through `command`, sorted, in ns."""
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    write_fd, read_fd = child.stdin.fileno(), child.stdout.fileno()
    pending = b""

    def round_trip(line):
        nonlocal pending
        os.write(write_fd, line)
        while b"\n" not in pending:
            pending += os.read(read_fd, 1 << 20)
        _, _, pending = pending.partition(b"\n")

    for line in workload[:500]:  # warm up: page in the binary, grow the child's buffers
        round_trip(line)
    samples = []
    for index in range(arguments.n):
        line = workload[index % len(workload)]
        start = time.perf_counter_ns()
        round_trip(line)
        samples.append(time.perf_counter_ns() - start)
    child.stdin.close()
    child.wait()
    return sorted(samples)


def percentiles(samples):
    def at(p):
        return samples[min(len(samples) - 1, int(len(samples) * p))] / 1000
    return f"p50 {at(0.50):.0f} µs, p90 {at(0.90):.0f} µs, p99 {at(0.99):.0f} µs, p99.9 {at(0.999):.0f} µs"


served = measure([arguments.binary, "serve", "--rules", arguments.rules, "--audit", arguments.audit, "--threads", arguments.threads])
print(f"{arguments.n} round trips at --audit {arguments.audit}: {percentiles(served)}")
# The same lines echoed by `cat`: the machine's own cost of two pipe hops and two wake-ups,
# which no change to serve can go below (it differs a lot between machines, and dominates p99
# on a virtual machine whose idle vCPUs sleep).
print(f"the pipe's floor, the same lines through cat: {percentiles(measure(['cat']))}")
