#!/usr/bin/env bash
# Soak test: 10,000,000 requests (5% malformed) through ONE `arbiter serve --audit summary`,
# VmRSS sampled every 2 s into bench/out/soak-COUNT.csv, then the summary of bench/memory.sh
# (min/max RSS, last half vs first quarter, time, answers == input lines).
#
#     bench/soak.sh [COUNT] [AUDIT]        # defaults: 10000000 summary
#
# The generator makes ~12,000 lines/s on one core, so by default 1,000,000 distinct lines are
# generated once (bench/out/chunks/, 1.2 GB, ~90 s) and replayed: serve, not Python, sets the
# pace. DISTINCT=10000000 bench/soak.sh streams fresh lines throughout (~15 min).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000000}
audit=${2:-summary}
DISTINCT=${DISTINCT:-1000000} exec bench/memory.sh "$count" "$audit" "bench/out/soak-$count-$audit.csv"
