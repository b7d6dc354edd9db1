#!/usr/bin/env python3
"""Regenerates the committed seed corpora (Fuzz/corpus/*), the dictionaries (Fuzz/*.dict) and
the valid requests the policy and expression targets decide (Fuzz/requests.jsonl), from the
repository's own data: bench/gen_requests.py, Fixtures/cn, docs/examples and Rules/cn.

    python3 Fuzz/make_corpus.py        # needs PyYAML; run from anywhere

Deterministic; small (a few dozen files per target). Seeds deliberately stay inside the
limits (no year-9999 timestamps, no overflowing parameters): the fuzzer has to find those.
"""
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "Fuzz")
CORPUS = os.path.join(FUZZ, "corpus")


def reset(name):
    path = os.path.join(CORPUS, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write(directory, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(directory, name), "wb") as handle:
        handle.write(data)


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def fixtures():
    for path in sorted(glob.glob(os.path.join(ROOT, "Fixtures", "cn", "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            document = yaml.load(handle, Loader=yaml.BaseLoader)  # strings stay strings
        if isinstance(document, dict) and isinstance(document.get("request"), dict):
            yield os.path.basename(path)[:-5], restore_types(document["request"])


def restore_types(value):
    """BaseLoader reads every scalar as a string; requests use numbers, booleans and null."""
    if isinstance(value, dict):
        return {key: restore_types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [restore_types(item) for item in value]
    if value in ("null", "~"):
        return None
    if value in ("true", "false"):
        return value == "true"
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def request_corpus():
    out = reset("request")
    generator = os.path.join(ROOT, "bench", "gen_requests.py")
    good = subprocess.run([sys.executable, generator, "-n", "12", "--seed", "7"], check=True, capture_output=True, text=True).stdout
    for index, line in enumerate(good.splitlines()):
        write(out, "gen-%02d.json" % index, line)
    bad = subprocess.run([sys.executable, generator, "-n", "40", "--seed", "11", "--bad", "0.5"], check=True, capture_output=True, text=True).stdout
    good_set = set(subprocess.run([sys.executable, generator, "-n", "40", "--seed", "11"], check=True, capture_output=True, text=True).stdout.splitlines())
    malformed = [line for line in bad.splitlines() if line not in good_set][:8]
    for index, line in enumerate(malformed):
        write(out, "gen-bad-%02d.json" % index, line)
    chosen = list(fixtures())
    # Every eighth fixture: all kinds and most rules, still a few dozen files.
    for name, request in chosen[::8]:
        write(out, "fixture-%s.json" % name, compact(request))
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "examples", "*.json"))):
        with open(path, encoding="utf-8") as handle:
            write(out, "example-" + os.path.basename(path), compact(json.load(handle)))
    write(out, "ping.json", '{"op":"ping"}')
    write(out, "unsupported-op.json", '{"op":"stats","id":"x"}')
    write(out, "not-object.json", '[1,2,{"a":"\\u00e9\\ud83d\\ude00"}]')
    write(out, "numbers.json", '{"id":"n","x":[0,-0,1e308,-1.5E-7,123456789012345678901234567890]}')

    # Valid requests of every kind for the other targets to decide.
    kinds = {}
    for name, request in chosen:
        if request.get("lines"):
            kinds.setdefault(request.get("kind"), []).append(request)
    with open(os.path.join(FUZZ, "requests.jsonl"), "w", encoding="utf-8") as handle:
        for kind in sorted(kinds):
            for request in kinds[kind][:2]:
                handle.write(compact(request) + "\n")
    return chosen


def policy_corpus():
    out = reset("policy")
    pack = os.path.join(ROOT, "Rules", "cn")
    for path in sorted(glob.glob(os.path.join(pack, "**", "*.yaml"), recursive=True)):
        relative = os.path.relpath(path, pack)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        write(out, "replace-" + relative.replace("/", "-"), "#> %s\n%s" % (relative, text))
    # New files added next to the pack's (rules/50-fuzz.yaml).
    write(out, "new-rule.yaml", """rules:
  - id: fuzz.new.line
    description: a line rule
    scope: line
    when: kind == "return" && line.paid > 100.00 && days_since(order.delivered_at ?? requested_at) <= 3
    review: MANUAL_REVIEW
""")
    write(out, "new-request-rule.yaml", """rules:
  - id: fuzz.new.request
    description: a request rule
    scope: request
    when: approved_count > 0 && refund.total >= 0.01
    route_to_review: true
""")
    write(out, "new-parameter.yaml", """parameters:
  fuzz_days:
    type: int
    value: 3
    description: a parameter
  fuzz_rate:
    type: percent
    value: 12.5%
    description: a rate
""")
    write(out, "new-split-rule.yaml", """rules:
  - id: fuzz.new.split
    description: a split by a weight of the pack's
    basis: fuzz
    scope: request
    when: order.payments.count > 0
    for_each: payment
    split:
      total: refund.total
      weight: 'payment.method == "points" ? 0.00 : payment.amount - payment.refunded'
    refund_to: 'payment.method == "points" ? min(refund.total - split.total, payment.refundable) : split.share'
""")
    write(out, "new-pack-define.yaml", """define:
  fuzz_window: |
    customer.tier in vip_tiers ? vip_window_days + 1 : no_reason_window_days
rules:
  - id: fuzz.new.kept
    description: reads a pack define and a line's kept units
    basis: fuzz
    scope: settlement
    for_each: gift
    adjust:
      code: GIFT_NOT_RETURNED
      when: kept_units(gift.line) > 0 && fuzz_window > 7 && kept_gross(gift.line) > 0.00
      amount: -(gift.value)
""")
    write(out, "syntax-error.yaml", "rules:\n  - id: [unclosed\n    when: kind ==\n")
    write(out, "anchors.yaml", "x: &a [1, 2]\ny: *a\nrules: []\n")


def expression_corpus():
    out = reset("expression")
    texts = []
    keep = ("id", "description", "basis", "scope")
    for path in sorted(glob.glob(os.path.join(ROOT, "Rules", "cn", "rules", "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            document = yaml.load(handle, Loader=yaml.BaseLoader)
        for rule in document.get("rules", []):
            def walk(value, key):
                if isinstance(value, dict):
                    for child, item in value.items():
                        walk(item, child)
                elif isinstance(value, list):
                    for item in value:
                        walk(item, key)
                elif key not in keep and isinstance(value, str) and not re.fullmatch(r"[A-Z0-9_]+|[a-z_]+", value):
                    texts.append(value)
            walk(rule, None)
    texts += [
        "min(line.paid, 50.00) + max(0.00, order.shipping_fee) * 10%",
        "clamp(line.quantity, 1, 3) * 2 - -1",
        "[\"a\", \"b\"] == requested.categories",
        "order.delivered_at != null ? days_since(order.delivered_at) : -1",
        "end_of_day(requested_at, 7) > requested_at && !(evidence.photos < 1)",
        "48h + 30m > 2d",
        "facts.missing ?? false",
        "\"unterminated",
        "((((1))))",
    ]
    seen = set()
    for text in texts:
        if text in seen:
            continue
        seen.add(text)
        write(out, "expr-" + hashlib.sha1(text.encode()).hexdigest()[:10], text)
    return texts


def dictionaries(requests, expressions):
    keys = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                keys.add(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    for _, request in requests:
        walk(request)
    words = sorted('"%s"' % key for key in keys)
    words += ['"\\"%s\\":"' % key for key in sorted(keys)]
    words += ['"null"', '"true"', '"false"', '"\\\\u0000"', '"\\\\ud83d\\\\ude00"', '"-0.00"',
              '"1e309"', '"[]"', '"{}"', '"\\"op\\":\\"ping\\""']
    with open(os.path.join(FUZZ, "request.dict"), "w", encoding="utf-8") as handle:
        handle.write("# JSON keys and tokens of requests (Fuzz/make_corpus.py)\n" + "\n".join(words) + "\n")
    tokens = set()
    for text in expressions:
        tokens.update(re.findall(r"[A-Za-z_][A-Za-z_0-9.]*|==|!=|<=|>=|&&|\|\||\?\?|[-+*!<>?:()\[\],%]", text))
    tokens.update(["in", "null", "true", "false", "min", "max", "clamp", "abs", "days_since", "end_of_day", "all_in",
                   "0.01", "100%", "7d", "24h", "\"return\""])
    with open(os.path.join(FUZZ, "expression.dict"), "w", encoding="utf-8") as handle:
        handle.write("# tokens of the expression language and Rules/cn names (Fuzz/make_corpus.py)\n")
        handle.write("\n".join(json.dumps(token) for token in sorted(tokens)) + "\n")
    words = ["arbiter:", "policy:", "attributes:", "facts:", "parameters:", "codes:", "rules:", "- id: ",
             "description:", "basis:", "scope: line", "scope: request", "when: ", "approve:", "reject:", "review:",
             "offer:", "compensation:", "return_shipping:", "route_to_review:", "settle:", "deadlines:", "type:",
             "value:", "zh-CN:", "en:", "de:", "list<reason>", "list<string>", "money", "percent", "duration",
             "int", "bool", "string", "timestamp", "optional", "&a", "*a", "!!str", "|-", ">-", "'", "\"", "{", "}",
             "[", "]", "---", "...", "%YAML 1.1", "0.01", "100%", "7d", "null", "true", "~",
             "scope: settlement", "for_each: discount", "for_each: gift", "for_each: payment", "define:", "given:",
             "otherwise: true", "adjust:", "refund_shipping:", "refund_to:", "split:", "total:", "weight:",
             "split.share", "split.total", "kept_units(", "kept_gross(", "discount.scope"]
    with open(os.path.join(FUZZ, "policy.dict"), "w", encoding="utf-8") as handle:
        handle.write("# policy YAML keys and tokens (Fuzz/make_corpus.py)\n")
        handle.write("\n".join(json.dumps(word) for word in words) + "\n")


if __name__ == "__main__":
    chosen = request_corpus()
    policy_corpus()
    dictionaries(chosen, expression_corpus())
    for name in ("request", "policy", "expression"):
        print(name, len(os.listdir(os.path.join(CORPUS, name))), "seeds")
