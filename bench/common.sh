# Sourced by the bench scripts (after `cd` to the repository): what every one of them measures.
#
#   bench_binary            the binary to measure: $ARBITER_BINARY, or the release build
#                           (built first when ARBITER_BINARY is not set)
#   bench_workload COUNT    the path of COUNT shared-workload requests without bad lines,
#                           generated into bench/out/ the first time

mkdir -p bench/out

bench_binary() {
    if [ -z "${ARBITER_BINARY:-}" ]; then swift build -c release >/dev/null || return 1; fi
    echo "${ARBITER_BINARY:-.build/release/arbiter}"
}

bench_workload() {
    local workload=bench/out/requests-$1-0.jsonl
    [ -f "$workload" ] || python3 bench/gen_requests.py -n "$1" --bad 0 > "$workload"
    echo "$workload"
}
