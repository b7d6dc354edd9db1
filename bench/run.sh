#!/usr/bin/env bash
# Throughput of one `arbiter serve` process on the shared workload, per audit level.
#
#     bench/run.sh [COUNT] [BAD_RATE]      # defaults: 100000 requests, no malformed lines
#
# Builds the release binary, generates the workload (bench/gen_requests.py, a copy of the
# team's shared generator) into bench/out/, pipes it through `serve` once per audit level and
# prints decisions per second and peak resident memory (from /usr/bin/time, or /proc when absent).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
bad=${2:-0}
mkdir -p bench/out
swift build -c release >/dev/null
binary=.build/release/arbiter
workload=bench/out/requests-$count-$bad.jsonl
[ -f "$workload" ] || python3 bench/gen_requests.py -n "$count" --bad "$bad" > "$workload"
lines=$(grep -c . "$workload")
bytes=$(stat -c %s "$workload")
printf 'workload: %s lines, %s MB (%s)\n' "$lines" "$((bytes / 1000000))" "$workload"
for audit in none summary full; do
    start=$(date +%s.%N)
    # Answers go to a pipe read by `wc`, as a caller would read them (a file on disk would
    # measure the disk: --audit full writes about 1 GB per 100,000 answers).
    if [ -x /usr/bin/time ]; then
        answers=$(/usr/bin/time -f '%M' -o bench/out/rss "$binary" serve --audit "$audit" < "$workload" | wc -l)
        rss_kb=$(cat bench/out/rss)
    else
        answers=$("$binary" serve --audit "$audit" < "$workload" | wc -l)
        rss_kb="?"
    fi
    end=$(date +%s.%N)
    python3 - "$audit" "$lines" "$answers" "$start" "$end" "$rss_kb" <<'PY'
import sys
audit, lines, answers, start, end, rss = sys.argv[1:]
seconds = float(end) - float(start)
print(f"--audit {audit:7s}: {int(answers):>8d} answers in {seconds:6.2f} s = {int(lines) / seconds:>9,.0f} decisions/s, peak RSS {rss} KB")
if int(answers) != int(lines):
    sys.exit(f"expected {lines} answers, got {answers}")
PY
done
