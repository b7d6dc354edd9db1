#!/usr/bin/env python3
"""Total calls to one function in a callgrind output file (e.g. malloc: allocations).

    bench/callgrind_calls.py FILE [FUNCTION]      # default FUNCTION: malloc

Reads callgrind's format: `fn=(id) name` or `cfn=(id) name` names a function once (later
`(id)` alone), `cfn=` is a callee, and the `calls=N …` line after it counts that call site.
"""
import re
import sys

path = sys.argv[1]
wanted = sys.argv[2] if len(sys.argv) > 2 else "malloc"
names = {}
total = 0
callee = None
with open(path, encoding="utf-8", errors="replace") as lines:
    for line in lines:
        if line.startswith("fn="):
            # A function's first mention names it for every later `fn=(id)` and `cfn=(id)`.
            match = re.match(r"fn=\((\d+)\) (.*)", line.rstrip("\n"))
            if match:
                names[match.group(1)] = match.group(2)
        elif line.startswith("cfn="):
            match = re.match(r"cfn=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
            if match:
                if match.group(2) is not None:
                    names[match.group(1)] = match.group(2)
                callee = names.get(match.group(1))
            else:
                callee = line[4:].strip()
        elif line.startswith("calls=") and callee is not None:
            if callee == wanted:
                total += int(line[6:].split()[0])
            callee = None
print(total)
