#!/usr/bin/env bash
# Instructions per decision of `arbiter serve --threads 1`, per audit level, counted by
# valgrind's callgrind (repeatable on a noisy machine, unlike a clock).
#
#     bench/instructions.sh [COUNT]        # default: 2000 requests of the shared workload
#     ARBITER_BINARY=old/arbiter bench/instructions.sh   # another build, to compare with
#
# Runs the stripped release binary (valgrind cannot read Swift 6.3's debug info) once over COUNT
# workload requests and once over COUNT pings, and prints (requests − pings) / COUNT: the work
# of reading, deciding and answering one request, without start-up (policy load) or the
# per-line cost of the loop itself, which the ping run also pays.
#
# Note: valgrind hides the CPU's SHA extensions, so BoringSSL's SHA-256 runs its AVX code under
# callgrind (about 2,000 instructions per 64-byte block, ~40,000 per request digest at
# summary/full); on a CPU with SHA-NI, as here outside valgrind, the digest costs a tenth of that.
# The "sha256" column shows that part so the rest can be compared.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install -y valgrind)" >&2; exit 2; }
if [ -z "${ARBITER_BINARY:-}" ]; then swift build -c release >/dev/null; fi
mkdir -p bench/out
binary=bench/out/arbiter-stripped
strip --strip-debug -o "$binary" "${ARBITER_BINARY:-.build/release/arbiter}"
workload=bench/out/requests-$count-0.jsonl
[ -f "$workload" ] || python3 bench/gen_requests.py -n "$count" --bad 0 > "$workload"
pings=bench/out/pings-$count.jsonl
[ -f "$pings" ] || python3 -c 'import sys; sys.stdout.write("{\"op\":\"ping\"}\n" * int(sys.argv[1]))' "$count" > "$pings"

# Total instructions of one run, those spent in BoringSSL's SHA-256 block function, and the
# calls to malloc (every heap allocation, Swift objects and arrays included).
count_run() {
    local audit=$1 input=$2 out=bench/out/callgrind.$1.$(basename "$2").out
    valgrind --tool=callgrind --callgrind-out-file="$out" "$binary" serve --rules Rules --audit "$audit" --threads 1 < "$input" > /dev/null 2> bench/out/valgrind.err
    local total sha
    total=$(callgrind_annotate --inclusive=no "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    sha=$(callgrind_annotate --inclusive=no "$out" 2>/dev/null | awk '/sha256_block_data_order/ {gsub(",", "", $1); sum += $1} END {print sum + 0}')
    echo "$total $sha $(python3 bench/callgrind_calls.py "$out" malloc)"
}

printf 'workload: %s requests (%s)\n' "$count" "$workload"
printf '%-8s %14s %14s %18s %18s\n' audit instr/decision "sha256 part" "without sha256" "allocs/decision"
for audit in none summary full; do
    read -r requests requests_sha requests_allocs < <(count_run "$audit" "$workload")
    read -r idle idle_sha idle_allocs < <(count_run "$audit" "$pings")
    per=$(( (requests - idle) / count ))
    sha=$(( (requests_sha - idle_sha) / count ))
    allocs=$(( (requests_allocs - idle_allocs) / count ))
    printf '%-8s %14d %14d %18d %18d\n' "$audit" "$per" "$sha" "$((per - sha))" "$allocs"
done
