#!/usr/bin/env bash
# Memory of one `serve` process over a long stream: COUNT generated requests (5% malformed)
# are streamed through ONE `arbiter serve --audit AUDIT`, its answers read through a pipe and
# counted, and its VmRSS sampled every 2 s, so flatness can be seen.
#
#     bench/memory.sh [COUNT] [AUDIT] [CSV]     # defaults: 1000000 summary bench/out/memory-COUNT-AUDIT.csv
#
# The workload is generated while it is read (bench/gen_requests.py in chunks of 100,000 lines,
# seeds 1, 2, …, so nothing of size COUNT is held in memory or on disk); with DISTINCT=N in
# the environment, N lines are generated once into bench/out/chunks/ and replayed. The CSV has one row per
# sample: elapsed_s,requests_answered_approx,rss_kb (answers estimated from the bytes of answers
# read so far × the final answers-per-byte). At the end: min/max RSS, the mean RSS of the last
# half against the first quarter, the time, and whether every input line got one answer (exit 1
# if not). bench/soak.sh runs it with 10,000,000 requests.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
audit=${2:-summary}
csv=${3:-bench/out/memory-$count-$audit.csv}
chunk=100000
swift build -c release >/dev/null
mkdir -p bench/out "$(dirname "$csv")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkfifo "$work/in" "$work/out"

# DISTINCT < COUNT: the workload is DISTINCT/100,000 chunk files (bench/out/chunks/, made once
# and kept) replayed in turn, so a long soak is not limited by the generator (~12,000 lines/s).
distinct=${DISTINCT:-$count}
chunk_file() { echo "bench/out/chunks/requests-$chunk-seed$1-bad0.05.jsonl"; }
if (( distinct < count )); then
    chunks=$(( (distinct + chunk - 1) / chunk ))
    mkdir -p bench/out/chunks
    for ((seed = 1; seed <= chunks; seed++)); do
        file=$(chunk_file "$seed")
        [ -f "$file" ] && continue
        echo "generating $file" >&2
        python3 bench/gen_requests.py -n "$chunk" --seed "$seed" --bad 0.05 > "$file.tmp" && mv "$file.tmp" "$file"
    done
fi
{
    seed=1
    for ((left = count; left > 0; left -= chunk)); do
        n=$((left < chunk ? left : chunk))
        if (( distinct < count )); then
            head -n "$n" "$(chunk_file "$seed")"
            seed=$((seed % chunks + 1))
        else
            python3 bench/gen_requests.py -n "$n" --seed "$seed" --bad 0.05
            seed=$((seed + 1))
        fi
    done
} > "$work/in" &
generator=$!
.build/release/arbiter serve --audit "$audit" < "$work/in" > "$work/out" &
pid=$!
wc -lc < "$work/out" > "$work/answers" &
counter=$!

start=$(date +%s.%N)
echo "elapsed_s,answer_bytes,rss_kb" > "$work/samples"
while kill -0 "$pid" 2>/dev/null; do
    # Until the fifo opens, $pid is still the forked shell, not arbiter.
    rss=
    [ "$(cat /proc/$pid/comm 2>/dev/null)" = arbiter ] && rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || true)
    read_bytes=$(awk '/^rchar/ {print $2}' /proc/$counter/io 2>/dev/null || true)
    if [ -n "$rss" ]; then
        elapsed=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN {printf "%.1f", n - s}')
        echo "$elapsed,$read_bytes,$rss" >> "$work/samples"
        echo "t=${elapsed}s rss=${rss} KB" >&2
    fi
    sleep 2
done
status=0
wait "$pid" || status=$?
wait "$counter"
wait "$generator" || true
end=$(date +%s.%N)
[ "$status" -eq 0 ] || { echo "serve exited with $status" >&2; exit 1; }

python3 - "$work/samples" "$csv" "$count" $(cat "$work/answers") "$start" "$end" "$audit" <<'PY'
import csv, sys
samples_path, csv_path, count, answers, total_bytes, start, end, audit = sys.argv[1:]
count, answers, total_bytes, seconds = int(count), int(answers), int(total_bytes), float(end) - float(start)
with open(samples_path) as handle:
    rows = list(csv.DictReader(handle))
# Answers so far ≈ answer bytes read so far × answers per byte of the whole stream.
per_byte = answers / total_bytes if total_bytes else 0
with open(csv_path, "w") as out:
    out.write("elapsed_s,requests_answered_approx,rss_kb\n")
    for r in rows:
        approx = str(round(int(r["answer_bytes"]) * per_byte)) if r["answer_bytes"] and per_byte else ""
        out.write(f'{r["elapsed_s"]},{approx},{r["rss_kb"]}\n')
rss = [(float(r["elapsed_s"]), int(r["rss_kb"])) for r in rows]
if not rss:
    sys.exit("no RSS sample")
last = rss[-1][0]
first_quarter = [v for t, v in rss if t <= last / 4] or [rss[0][1]]
last_half = [v for t, v in rss if t >= last / 2] or [rss[-1][1]]
mean = lambda values: sum(values) / len(values)
print(f"--audit {audit}: {answers:,} answers to {count:,} requests in {seconds:.1f} s = {count / seconds:,.0f} requests/s")
print(f"RSS: min {min(v for _, v in rss):,} KB, max {max(v for _, v in rss):,} KB over {len(rss)} samples")
print(f"RSS mean: first quarter {mean(first_quarter):,.0f} KB, last half {mean(last_half):,.0f} KB "
      f"({(mean(last_half) / mean(first_quarter) - 1) * 100:+.1f}%)")
print(f"samples: {csv_path}")
if answers != count:
    sys.exit(f"FAIL: expected {count} answers, got {answers}")
print("answers == input lines: ok")
PY
