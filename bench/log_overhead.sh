#!/usr/bin/env bash
# What recording costs: `arbiter serve` with and without `--log FILE --log-sync batch`, per
# audit level and thread count, as the median wall time of several runs and the throughput
# with the log relative to without (100% = free).
#
#     bench/log_overhead.sh [COUNT] [RUNS]     # defaults: 100000 requests, 5 runs per cell
#     ARBITER_BINARY=old/arbiter bench/log_overhead.sh   # another build, to compare with
#     LOG_DIR=/var/tmp bench/log_overhead.sh   # where the log is written (default bench/out)
#
# Answers are piped to `wc -l`, as a caller reads them; the log is deleted before every run
# (a restart would verify it first). Runs of one cell alternate with the other cells so that
# the machine's drift (other jobs on a shared machine) spreads over all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
runs=${2:-5}
source bench/common.sh
binary=$(bench_binary)
workload=$(bench_workload "$count")
log=${LOG_DIR:-bench/out}/overhead.log
results=$(mktemp)
trap 'rm -f "$results" "$log" "$log.lock"' EXIT

one_run() {  # threads audit log(yes/no) -> seconds
    local threads=$1 audit=$2 withLog=$3 start end
    rm -f "$log" "$log.lock"
    local args=(serve --rules Rules --audit "$audit" --threads "$threads")
    if [ "$withLog" = yes ]; then args+=(--log "$log" --log-sync batch); fi
    start=$(date +%s.%N)
    lines=$("$binary" "${args[@]}" < "$workload" | wc -l)
    end=$(date +%s.%N)
    [ "$lines" = "$count" ] || { echo "expected $count answers, got $lines" >&2; exit 1; }
    echo "$end - $start" | bc
}

for ((run = 1; run <= runs; run++)); do
    for threads in 1 2; do
        for audit in none summary full; do
            for withLog in no yes; do
                echo "$threads $audit $withLog $(one_run "$threads" "$audit" "$withLog")" >> "$results"
            done
        done
    done
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf 'binary: %s; workload: %s requests; median of %s runs\n' "$binary" "$count" "$runs"
printf '%-8s %-8s %12s %12s %12s\n' threads audit "no log (s)" "--log (s)" "throughput"
for threads in 1 2; do
    for audit in none summary full; do
        plain=$(awk -v t="$threads" -v a="$audit" '$1 == t && $2 == a && $3 == "no" { print $4 }' "$results" | median)
        logged=$(awk -v t="$threads" -v a="$audit" '$1 == t && $2 == a && $3 == "yes" { print $4 }' "$results" | median)
        printf '%-8s %-8s %12.3f %12.3f %11.0f%%\n' "$threads" "$audit" "$plain" "$logged" "$(echo "100 * $plain / $logged" | bc -l)"
    done
done
