#!/usr/bin/env bash
# Memory of one `serve` process over a long stream: samples VmRSS every 2 s while COUNT
# generated requests (default 1,000,000) are piped through it, so flatness can be seen.
#
#     bench/memory.sh [COUNT] [AUDIT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
audit=${2:-summary}
swift build -c release >/dev/null
mkdir -p bench/out
fifo=$(mktemp -u)
mkfifo "$fifo"
python3 bench/gen_requests.py -n "$count" --bad 0.05 > "$fifo" &
.build/release/arbiter serve --audit "$audit" < "$fifo" > /dev/null &
pid=$!
start=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || true)
    [ -n "$rss" ] && echo "t=$(( $(date +%s) - start ))s rss=${rss} KB"
    sleep 2
done
wait "$pid"
rm -f "$fifo"
echo "done: $count requests in $(( $(date +%s) - start ))s"
