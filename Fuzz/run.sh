#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/Package.swift, scratch .build-fuzz) and runs each for a
# while. See docs/fuzzing.md.
#
#   Fuzz/run.sh TARGET|all SECONDS [libFuzzer flags...]
#       TARGET: request | policy | expression
#   Fuzz/run.sh build                       # only build
#
# A target runs on its working corpus .build-fuzz/corpus/TARGET (the committed seeds in
# Fuzz/corpus/TARGET copied in, plus what earlier local runs found; the committed corpus is
# never written), with -max_total_time=SECONDS -timeout=10 -rss_limit_mb=2048 and
# Fuzz/TARGET.dict. A crash, hang, leak or out-of-memory input is saved under
# Fuzz/artifacts/TARGET/ and the script exits 1 (after running the other targets).
#
# Environment: ARBITER_FUZZ_SANITIZERS (default fuzzer,address; "fuzzer" alone is ~2× faster),
# ARBITER_FUZZ_ALLOW_INTERNAL=1 (request target: accept `internal` errors),
# ARBITER_FUZZ_STRICT=1 (policy target: refuse them too), ARBITER_FUZZ_SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(request policy expression)
product() {
    case "$1" in
        request) echo FuzzRequest ;;
        policy) echo FuzzPolicy ;;
        expression) echo FuzzExpression ;;
        *) echo "unknown target '$1' (request, policy, expression, all)" >&2; exit 2 ;;
    esac
}

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 1 ]] || usage
what=$1; shift
if [[ $what == all ]]; then targets=("${all_targets[@]}"); elif [[ $what == build ]]; then targets=(); else product "$what" >/dev/null; targets=("$what"); fi
if [[ $what != build ]]; then
    [[ $# -ge 1 && $1 =~ ^[0-9]+$ ]] || usage
    seconds=$1; shift
fi

sanitizers=${ARBITER_FUZZ_SANITIZERS:-fuzzer,address}
scratch=.build-fuzz
if [[ ${ARBITER_FUZZ_SKIP_BUILD:-0} != 1 ]]; then
    build=(swift build --package-path Fuzz --scratch-path "$scratch" -c release
        -Xswiftc "-sanitize=$sanitizers" -Xswiftc -parse-as-library -Xswiftc -enable-testing)
    if [[ ${#targets[@]} -eq 1 ]]; then build+=(--product "$(product "${targets[0]}")"); fi
    echo "== building: ${build[*]}" >&2
    start=$SECONDS
    "${build[@]}"
    echo "== built in $((SECONDS - start)) s" >&2
fi
[[ $what == build ]] && exit 0

bin=$(swift build --package-path Fuzz --scratch-path "$scratch" -c release --show-bin-path)
failed=()
for target in "${targets[@]}"; do
    corpus=$scratch/corpus/$target
    artifacts=Fuzz/artifacts/$target
    mkdir -p "$corpus" "$artifacts"
    cp -n Fuzz/corpus/"$target"/* "$corpus"/
    echo "== fuzzing $target for $seconds s (corpus $corpus, artifacts $artifacts/)" >&2
    dict=()
    [[ -f Fuzz/$target.dict ]] && dict=(-dict="Fuzz/$target.dict")
    status=0
    # No LeakSanitizer: Swift keeps pointers in enum payloads' spare bits, where it cannot
    # see them, so everything reachable only that way is reported as leaked (docs/fuzzing.md).
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1} \
        "$bin/$(product "$target")" "$corpus" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        "${dict[@]}" -detect_leaks=0 -artifact_prefix="$artifacts"/ -print_final_stats=1 "$@" \
        2> >(tee "$scratch/$target.log" | grep -v '^#[0-9].*\(NEW\|REDUCE\|pulse\)' >&2) || status=$?
    if [[ $status -ne 0 ]]; then
        echo "== $target FAILED (exit $status); input saved:" >&2
        ls -t "$artifacts" | head -3 | sed "s|^|   $artifacts/|" >&2
        failed+=("$target")
    else
        echo "== $target: no crash in $seconds s" >&2
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "== failed: ${failed[*]} (reproduce: $bin/Fuzz<Target> Fuzz/artifacts/<target>/<file>)" >&2
    exit 1
fi
