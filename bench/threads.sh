#!/usr/bin/env bash
# Two threads against one: `arbiter serve --threads 1` and `--threads 2` over the same workload,
# per audit level, runs of the two alternated so that the machine's drift (a shared VM varies by
# ±10–30% from minute to minute) spreads over both; prints the medians of wall time, decisions/s,
# CPU time (user + sys) and cores busy (CPU over wall), and the speed-up of two threads.
#
#     bench/threads.sh [COUNT] [ROUNDS]          # defaults: 100000 requests, 5 rounds
#     ARBITER_BINARY=old/arbiter bench/threads.sh   # another build
#     AUDITS="summary" bench/threads.sh          # only some levels
#     SINK=null bench/threads.sh                 # answers to /dev/null instead of `wc -l`
#
# Answers are piped to `wc -l`, as a caller reads them, and their count is checked. Issue 13's
# target is a speed-up of at least 1.8 at `summary`; CPU per decision that grows with the second
# thread (contention), or cores busy well under 2 (a serial part), say where a shortfall comes from.
# On a two-core machine the reader of the answers runs on the same two cores: `wc -l` and the
# kernel's pipe copy take time from the deciding threads that `SINK=null` gives back (the
# answers of the first round are still counted).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
rounds=${2:-5}
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install -y time)" >&2; exit 2; }
source bench/common.sh
binary=$(bench_binary)
workload=$(bench_workload "$count")
results=$(mktemp)
trap 'rm -f "$results"' EXIT

for round in $(seq "$rounds"); do
    for audit in ${AUDITS:-none summary full}; do
        for threads in 1 2; do
            if [ "${SINK:-wc}" = null ] && [ "$round" -gt 1 ]; then
                /usr/bin/time -f "$audit $threads %e %U %S" -a -o "$results" \
                    "$binary" serve --rules Rules --audit "$audit" --threads "$threads" < "$workload" > /dev/null
                continue
            fi
            answers=$(/usr/bin/time -f "$audit $threads %e %U %S" -a -o "$results" \
                "$binary" serve --rules Rules --audit "$audit" --threads "$threads" < "$workload" | wc -l)
            [ "$answers" -eq "$count" ] || { echo "expected $count answers, got $answers" >&2; exit 1; }
        done
    done
done

python3 - "$results" "$count" "$rounds" "$binary" "${SINK:-wc}" <<'PY'
import collections, statistics, sys
path, count, rounds, binary, sink = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], ("/dev/null (first round: wc -l)" if sys.argv[5] == "null" else "wc -l")
runs = collections.defaultdict(list)
for line in open(path):
    audit, threads, wall, user, system = line.split()
    runs[(audit, int(threads))].append((float(wall), float(user) + float(system)))
print(f"binary: {binary}; {count} requests; medians of {rounds} alternated rounds; answers to {sink}")
print(f"{'audit':8s} {'threads':>7s} {'wall (s)':>9s} {'decisions/s':>12s} {'CPU (s)':>8s} {'cores busy':>10s} {'speed-up':>9s}")
for audit in dict.fromkeys(a for a, _ in runs):
    one = statistics.median(w for w, _ in runs[(audit, 1)])
    for threads in (1, 2):
        wall = statistics.median(w for w, _ in runs[(audit, threads)])
        cpu = statistics.median(c for _, c in runs[(audit, threads)])
        speedup = f"{one / wall:.2f}×" if threads == 2 else ""
        print(f"{audit:8s} {threads:7d} {wall:9.2f} {count / wall:12,.0f} {cpu:8.2f} {cpu / wall:10.2f} {speedup:>9s}")
PY
