#!/usr/bin/env bash
# Instructions per decision of `arbiter serve --threads 1`, per audit level, counted by
# valgrind's callgrind (repeatable on a noisy machine, unlike a clock).
#
#     bench/instructions.sh [COUNT]        # default: 2000 requests of the shared workload
#     ARBITER_BINARY=old/arbiter bench/instructions.sh   # another build, to compare with
#     ARBITER_BINARY=old/arbiter ARBITER_RULES=old/Rules bench/instructions.sh   # with the policy it shipped with
#
# Runs the stripped release binary (valgrind cannot read Swift 6.3's debug info) once over COUNT
# workload requests and once over an empty input, and prints (requests − empty) / COUNT: all the
# work `serve` does for one request line — reading it, deciding it and writing its answer, the
# loop's own per-line work included — without start-up (loading the policy set), which the
# empty run pays alone.
#
# (Until 2026-12-03 the second run was COUNT pings, meant to cancel the loop's per-line cost.
# But a ping answer lists every policy version of the set, about 26,000 instructions, so that
# method subtracted some 25,000 instructions per request that a request does not cost, and the
# figures it printed were that much too low; the README's table gives both.)
#
# Note: counts repeat to a few hundred instructions at none and summary, and to about ±1,500 at
# full (how `serve`'s output thread interleaves with the deciding one under valgrind varies):
# compare a small change at full over several alternated runs of each build.
#
# Note: valgrind hides the CPU's SHA extensions, so BoringSSL's SHA-256 runs its AVX code under
# callgrind (about 2,000 instructions per 64-byte block, ~40,000 per request digest at
# summary/full); on a CPU with SHA-NI, as here outside valgrind, the digest costs a tenth of that.
# The "sha256" column shows that part so the rest can be compared.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install -y valgrind)" >&2; exit 2; }
source bench/common.sh
binary=bench/out/arbiter-stripped
strip --strip-debug -o "$binary" "$(bench_binary)"
workload=$(bench_workload "$count")
empty=bench/out/empty.jsonl
: > "$empty"

# Total instructions of one run, those spent in BoringSSL's SHA-256 block function, and the
# calls to malloc (every heap allocation, Swift objects and arrays included).
count_run() {
    local audit=$1 input=$2 out=bench/out/callgrind.$1.$(basename "$2").out
    valgrind --tool=callgrind --callgrind-out-file="$out" "$binary" serve --rules "${ARBITER_RULES:-Rules}" --audit "$audit" --threads 1 < "$input" > /dev/null 2> bench/out/valgrind.err
    local total sha
    total=$(callgrind_annotate --inclusive=no "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    sha=$(callgrind_annotate --inclusive=no "$out" 2>/dev/null | awk '/sha256_block_data_order/ {gsub(",", "", $1); sum += $1} END {print sum + 0}')
    echo "$total $sha $(python3 bench/callgrind_calls.py "$out" malloc)"
}

phase_runs=()
printf 'workload: %s requests (%s)\n' "$count" "$workload"
printf '%-8s %14s %14s %18s %18s\n' audit instr/decision "sha256 part" "without sha256" "allocs/decision"
for audit in none summary full; do
    read -r requests requests_sha requests_allocs < <(count_run "$audit" "$workload")
    read -r idle idle_sha idle_allocs < <(count_run "$audit" "$empty")
    per=$(( (requests - idle) / count ))
    sha=$(( (requests_sha - idle_sha) / count ))
    # Two decimals: most of a decision's allocations are gone, and what is left (a request's
    # strings over 15 bytes, a scoped discount's first use of an array) is a fraction.
    allocs=$(awk -v a="$requests_allocs" -v b="$idle_allocs" -v n="$count" 'BEGIN { printf "%.2f", (a - b) / n }')
    printf '%-8s %14d %14d %18d %18s\n' "$audit" "$per" "$sha" "$((per - sha))" "$allocs"
    phase_runs+=("$audit:bench/out/callgrind.$audit.$(basename "$workload").out:bench/out/callgrind.$audit.$(basename "$empty").out")
done
echo
# The same instructions by phase of a request's path (bench/phases.py), to see where a change
# moved work, not only how much it saved.
python3 bench/phases.py "$count" "${phase_runs[@]}"
