#!/usr/bin/env python3
"""Decides the same requests with two arbiter builds (or two policies) and compares the answers.

    bench/compare_decisions.py --base BIN RULES --new BIN RULES [-n 20000] [--bad 0.25] [--audit none summary full]

For each audit level it prints how many answers are byte-identical and, for the others, which
JSON fields differ (by path, counted), ignoring `audit.policy.digest` (it changes with any edit
of the policy's files) and, with --ignore, any other path prefix (e.g. `audit.trace`). Exit 1
when some answer differs in a field that is not ignored.
"""
import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def answers(binary, rules, audit, lines):
    run = subprocess.run([binary, "serve", "--rules", rules, "--audit", audit, "--threads", "1"],
                         input=lines, capture_output=True, check=True)
    return run.stdout.splitlines()


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            diff(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{path}.{key}" if path else key, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[]", out)
    elif a != b:
        out.add(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", nargs=2, metavar=("BIN", "RULES"), required=True)
    parser.add_argument("--new", nargs=2, metavar=("BIN", "RULES"), required=True)
    parser.add_argument("-n", type=int, default=20000)
    parser.add_argument("--bad", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--payments", type=float, default=0.0)
    parser.add_argument("--audit", nargs="+", default=["none", "summary", "full"])
    parser.add_argument("--ignore", nargs="*", default=[], help="path prefixes whose differences are expected")
    args = parser.parse_args()
    ignored = ["audit.policy.digest"] + args.ignore
    lines = subprocess.run([sys.executable, str(HERE / "gen_requests.py"), "-n", str(args.n), "--seed", str(args.seed),
                            "--bad", str(args.bad), "--payments", str(args.payments)],
                           capture_output=True, check=True).stdout
    failed = False
    for audit in args.audit:
        base = answers(args.base[0], args.base[1], audit, lines)
        new = answers(args.new[0], args.new[1], audit, lines)
        assert len(base) == len(new), "one answer per line"
        identical = 0
        fields = collections.Counter()
        unexpected = collections.Counter()
        for x, y in zip(base, new):
            if x == y:
                identical += 1
                continue
            paths = set()
            diff(json.loads(x), json.loads(y), "", paths)
            for path in paths:
                fields[path] += 1
                if not any(path.startswith(prefix) for prefix in ignored):
                    unexpected[path] += 1
        print(f"--audit {audit}: {len(base)} answers, {identical} byte-identical")
        for path, count in fields.most_common():
            mark = "" if path in unexpected else " (expected)"
            print(f"  {path}: {count} differ{mark}")
        failed |= bool(unexpected)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
