"""A stand-in for `arbiter serve` that dies on every request whose id is "poison", before
answering it (a request that crashes serve each time); other lines get {"id", "outcome"}."""
import json
import os
import sys

for raw in sys.stdin.buffer:
    if not raw.strip():
        continue
    request = json.loads(raw)
    if request.get("op") == "ping":
        answer = {"op": "pong", "policy": {"name": "fake"}}
    elif request.get("id") == "poison":
        os._exit(70)
    else:
        answer = {"id": request.get("id"), "outcome": "approve"}
    sys.stdout.buffer.write(json.dumps(answer).encode() + b"\n")
    sys.stdout.buffer.flush()
