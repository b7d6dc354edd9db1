#!/usr/bin/env bash
# Objects whose reference counts two threads of `arbiter serve --threads 2` both change: each
# such change is an atomic write to a cache line the other core then has to take back, so a
# shared object retained a few times per decision costs two threads a large part of the second
# core (the process-wide time zone was such an object until 2026-12-05: 11.7 changes per
# decision from the two threads together; at `full` eleven computation layouts, ~60).
#
#     bench/shared_objects.sh [COUNT] [AUDIT]     # defaults: 2000 requests, summary
#     ARBITER_BINARY=.build/debug/arbiter bench/shared_objects.sh   # another build (CI: debug)
#     WORKLOAD=eu.jsonl bench/shared_objects.sh 3000 full   # other requests (COUNT: their number)
#
# Counts every swift_retain/release (and the _n and bridge-object forms) per thread and object
# with an LD_PRELOAD shim (bench/rc_shim.c, built here with cc), and lists the heap objects that
# at least two threads changed at least once per 20 decisions each, with their type. Exits 1 when
# there is one. Handing a batch of answers to the output thread shares a few objects once per
# batch (about 200 lines): far below that bound. What the first thread did before a second one
# started (loading every thread's copy of the policy) is not counted. Deterministic: it counts.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
audit=${2:-summary}
command -v cc >/dev/null || { echo "a C compiler is needed for the shim (apt-get install -y gcc)" >&2; exit 2; }
source bench/common.sh
binary=$(bench_binary)
workload=${WORKLOAD:-$(bench_workload "$count")}
shim=bench/out/rc_shim.so
cc -O2 -shared -fPIC -o "$shim" bench/rc_shim.c -ldl -lpthread
out=bench/out/rc_shim.$audit.out
least=$(( count / 20 > 0 ? count / 20 : 1 ))
RC_SHIM_OUT="$out" RC_MIN="$least" LD_PRELOAD="$PWD/$shim" "$binary" serve --rules Rules --audit "$audit" --threads 2 < "$workload" > /dev/null
python3 - "$out" "$count" "$least" <<'PY'
import bisect, collections, subprocess, sys
path, count, least = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
threads = collections.defaultdict(dict)
types = {}
for line in open(path):
    thread, address, times, image, offset = line.split()
    threads[address][int(thread)] = int(times)
    types[address] = (image, int(offset, 16))
symbols = {}
def type_name(image, offset):
    if image == "?":
        return "?"
    if image not in symbols:
        listing = subprocess.run(["nm", "-n", image], capture_output=True, text=True).stdout.split("\n")
        entries = [(int(parts[0], 16), parts[2]) for parts in (line.split() for line in listing) if len(parts) == 3]
        symbols[image] = ([address for address, _ in entries], [name for _, name in entries])
    addresses, names = symbols[image]
    index = bisect.bisect_right(addresses, offset) - 1
    if index < 0:
        return "?"
    demangled = subprocess.run(["swift", "demangle", "--simplified", "--compact", names[index]], capture_output=True, text=True).stdout.strip()
    return demangled or names[index]
shared = [(address, counts) for address, counts in threads.items() if sum(1 for times in counts.values() if times >= least) >= 2]
print(f"{count} requests, 2 threads: {len(shared)} object(s) shared (changed at least {least} times by each of two threads)")
for address, counts in sorted(shared, key=lambda item: -min(item[1].values())):
    per = ", ".join(f"thread {thread}: {times / count:.2f}/decision" for thread, times in sorted(counts.items()))
    print(f"  {address} {type_name(*types[address])}: {per}")
sys.exit(1 if shared else 0)
PY
