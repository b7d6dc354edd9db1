#!/usr/bin/env python3
"""Where a decision's instructions go, phase by phase, from the callgrind runs of
`bench/instructions.sh` (one over COUNT requests, one over an empty input per audit level).

    bench/phases.py COUNT none:REQUESTS.out:EMPTY.out [summary:…] [full:…]

Each phase is the inclusive cost of one function of `serve`'s path for a line (the functions
do not call one another, so the phases add up), per request, the empty run subtracted; what
no phase covers (the serve loop, choosing the policy version, the outline and limits, handing
buffers back) is "the rest". SHA-256 is BoringSSL's block function alone: under valgrind it
runs without the CPU's SHA instructions (see instructions.sh).

A phase whose function is renamed or inlined away shows as 0 and its instructions move to
"the rest": the script prints which functions it found, so a change that moves work between
phases is seen as such, not as a saving.
"""
import re
import subprocess
import sys

# (phase, a unique substring of the mangled name of the one function that is the phase).
PHASES = [
    ("parse the line into a tape", "ArbiterCore8JSONTapeC5parse"),
    ("decode the request's fields", "TapeRequestDecoderV11decodeDraft"),
    ("resolve: consistency checks, proration", "RequestDecoderC7resolve_"),
    ("start the evaluation state", "EvaluationStateC5start33_"),
    ("canonical JSON of the request", "CanonicalJSONWriterC5write"),
    ("SHA-256 (no SHA-NI under valgrind)", "sha256_block_data_order_"),
    ("decide: rules, settlement, trail", "EngineC6decide_11inputDigest5audit"),
    ("write the answer", "DecisionWriterO5write_13deferredTrail4into"),
]


def inclusive_costs(path):
    """Inclusive instructions per function name, and the program's total."""
    output = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
        capture_output=True, text=True, check=True).stdout
    costs, total = {}, 0
    for line in output.splitlines():
        match = re.match(r"\s*([\d,]+)\s+\([^)]*\)\s+(.*)", line)
        if not match:
            continue
        value = int(match.group(1).replace(",", ""))
        if "PROGRAM TOTALS" in line:
            total = value
        else:
            costs[match.group(2)] = costs.get(match.group(2), 0) + value
    return costs, total


def phase_cost(costs, pattern):
    """The cost of the function matching `pattern` (several matches: the block function's
    variants, or a generic specialised more than once, which do not nest: summed)."""
    # A closure inside the function (its mangled name continues with `fU…_` or `fu…_`) is part
    # of the function's own inclusive cost: counted again, it would be counted twice.
    names = [name for name in costs if pattern in name and not re.search(r"f[Uu]\d*_", name[name.find(pattern):])]
    return sum(costs[name] for name in names), len(names)


def main():
    count = int(sys.argv[1])
    levels = []
    for argument in sys.argv[2:]:
        level, requests, empty = argument.split(":")
        with_requests, total = inclusive_costs(requests)
        idle, idle_total = inclusive_costs(empty)
        per_phase = []
        for _, pattern in PHASES:
            busy, found = phase_cost(with_requests, pattern)
            quiet, _ = phase_cost(idle, pattern)
            per_phase.append(((busy - quiet) / count, found))
        levels.append((level, (total - idle_total) / count, per_phase))

    rest_label = "the rest: serve loop, outline, limits, buffers"
    width = max([len(name) for name, _ in PHASES] + [len(rest_label)])
    print(f"{'instructions per request':<{width}} " + " ".join(f"{level:>16}" for level, _, _ in levels))
    for index, (name, _) in enumerate(PHASES):
        cells = []
        for _, total, per_phase in levels:
            cost, found = per_phase[index]
            cells.append(f"{cost:>9,.0f} ({cost / total:4.0%})" if found else f"{'not found':>16}")
        print(f"{name:<{width}} " + " ".join(cells))
    rest = [total - sum(cost for cost, _ in per_phase) for _, total, per_phase in levels]
    print(f"{rest_label:<{width}} "
          + " ".join(f"{value:>9,.0f} ({value / total:4.0%})" for value, (_, total, _) in zip(rest, levels)))
    print(f"{'total':<{width}} " + " ".join(f"{total:>16,.0f}" for _, total, _ in levels))


if __name__ == "__main__":
    main()
