#!/usr/bin/env python3
"""Who calls a function, and how often, in a callgrind output file: the call sites of
FUNCTION (default swift_allocObject) by calling function, most calls first, demangled.

    bench/callgrind_callers.py FILE [FUNCTION] [TOP]

Subtract a second run's counts by hand (e.g. a run over pings) to see the per-request sites.
"""
import collections
import re
import subprocess
import sys

path = sys.argv[1]
wanted = sys.argv[2] if len(sys.argv) > 2 else "swift_allocObject"
top = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] != "--full" else 40
names = {}
calls = collections.Counter()
caller = None
callee = None


def name(kind, line):
    match = re.match(kind + r"=\((\d+)\)(?: (.*))?", line)
    if not match:
        return line[len(kind) + 1:].strip()
    if match.group(2) is not None:
        names[match.group(1)] = match.group(2)
    return names.get(match.group(1))


with open(path, encoding="utf-8", errors="replace") as lines:
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("fn="):
            caller = name("fn", line)
        elif line.startswith("cfn="):
            callee = name("cfn", line)
        elif line.startswith("calls=") and callee is not None:
            if callee == wanted:
                calls[caller] += int(line[6:].split()[0])
            callee = None
rows = calls.most_common(top)
demangled = subprocess.run(["swift", "demangle", "--compact"] + ([] if "--full" in sys.argv else ["--simplified"]), input="\n".join(r[0] or "?" for r in rows),
                           capture_output=True, text=True).stdout.splitlines()
for (_, count), text in zip(rows, demangled):
    print(f"{count:>9} {text[:150]}")
