#!/usr/bin/env python3
"""Runs arbiter_spark.py for real on Spark in local mode: decide against one serve run, diff against
one `arbiter diff --format json` run, replay against one `arbiter replay --format json` run.

    python3 -m pytest contrib/spark/test_arbiter_spark.py      # or: python3 contrib/spark/test_arbiter_spark.py

Needs pyspark (pip install pyspark==4.3.0), Java 17 and the arbiter binary: $ARBITER_BINARY, else
.build/release/arbiter (build it with `swift build -c release --static-swift-stdlib`).

The input: 20,000 generated requests with 5% malformed lines (bench/gen_requests.py --bad 0.05),
plus lines that trip line splitters other than serve's: a raw `\\r` between JSON tokens of a
valid request (JSON whitespace) and one inside a string (invalid JSON), `\\r\\n` endings, empty
and blank lines, a line that is not UTF-8, a ping, and a last line without `\\n`.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
JOB = os.path.join(HERE, "arbiter_spark.py")
sys.path.insert(0, HERE)
import arbiter_spark  # noqa: E402  (the pure functions; the job itself runs as a subprocess)

BINARY = os.environ.get("ARBITER_BINARY", os.path.join(ROOT, ".build", "release", "arbiter"))
RULES = os.path.join(ROOT, "Rules")
MASTER = "local[2,2]"  # two cores; a failed task is tried a second time


def make_input(path, count=20000):
    generated = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_requests.py"),
                                "-n", str(count), "--bad", "0.05"],
                               check=True, stdout=subprocess.PIPE).stdout.split(b"\n")
    lines = [line for line in generated if line]
    rng = random.Random(13)
    out = []
    for number, line in enumerate(lines):
        roll = rng.random()
        if roll < 0.01 and line.startswith(b'{"id":'):
            out.append(line.replace(b',"kind":', b',\r"kind":', 1))       # \r as JSON whitespace: valid
        elif roll < 0.02 and b'"sku":"' in line:
            out.append(line.replace(b'"sku":"', b'"sku":"\r', 1))         # raw \r in a string: invalid
        elif roll < 0.03:
            out.append(line + b"\r")                                      # \r\n ending
        else:
            out.append(line)
        if roll > 0.99:
            out.append(rng.choice([b"", b"", b"   ", b"\t", b"\r"]))       # empty and blank lines
        if number % 5000 == 1:
            out.append(b'{"op":"ping"}')
        if number == 7777:
            out.append(b'{"id":"latin1-\xe9t\xe9","kind":"return"}')       # not UTF-8
    data = b"\n".join(out) + b"\n\n" + b'{"id":"no-newline-at-end"'
    with open(path, "wb") as handle:
        handle.write(data)
    return data


def serve(path, audit):
    with open(path, "rb") as handle:
        return subprocess.run([BINARY, "serve", "--rules", RULES, "--audit", audit], stdin=handle,
                              stdout=subprocess.PIPE, check=True).stdout


def run_mode(mode, arguments, env=None, expect=(0,), cwd=None, binary=BINARY):
    started = time.monotonic()
    result = subprocess.run([sys.executable, JOB, mode, *arguments, "--arbiter", binary, "--master", MASTER],
                            env=dict(os.environ, **(env or {})), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    elapsed = time.monotonic() - started
    print(f"  {mode}: {elapsed:.1f} s", file=sys.stderr)
    if result.returncode not in expect or f"arbiter_spark {mode}:".encode() not in result.stderr:
        raise AssertionError(f"job exited {result.returncode}:\n{result.stderr.decode(errors='replace')[-4000:]}")
    return result


def candidate_rules(workdir):
    """A copy of the set whose cn pack has a 10-day no-reason window (SPEC section 11's example)."""
    copy = os.path.join(workdir, "candidate")
    shutil.copytree(RULES, copy)
    path = os.path.join(copy, "cn", "parameters.yaml")
    text = open(path).read()
    changed = text.replace("no_reason_window_days:\n    type: int\n    value: 7", "no_reason_window_days:\n    type: int\n    value: 10")
    assert changed != text, "the window parameter is where the test expects it"
    open(path, "w").write(changed)
    return copy


def run_job(input_path, output, audit, partitions, env=None, read_from=None):
    started = time.monotonic()
    result = subprocess.run([sys.executable, JOB, "decide", "--rules", RULES, "--input", input_path,
                             "--output", output, "--audit", audit, "--partitions", str(partitions),
                             "--arbiter", BINARY, "--master", MASTER],
                            env=dict(os.environ, **(env or {})), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise AssertionError(f"job exited {result.returncode}:\n{result.stderr.decode(errors='replace')[-4000:]}")
    folder = read_from or output
    parts = sorted(name for name in os.listdir(folder) if name.startswith("part-"))
    body = b"".join(open(os.path.join(folder, name), "rb").read() for name in parts)
    print(f"  job: {len(parts)} part files, {len(body)} bytes in {elapsed:.1f} s", file=sys.stderr)
    return parts, body, result.stderr


class Pure(unittest.TestCase):
    """The job's byte-level pieces, without Spark."""

    def test_shift_error_lines_rewrites_only_the_line_field(self):
        region = (b'{"id":"a","outcome":"approve","x":"\\",\\"error\\":{\\"code\\":\\""}\n'
                  b'{"id":null,"error":{"code":"invalid_json","message":"bad \\"line\\":1}}","path":null,"line":3}}\n'
                  b'{"id":"r\\u0000","error":{"code":"invalid_request","message":"m","path":"$.kind","line":41}}')
        shifted = arbiter_spark.shift_error_lines(region, 100)
        self.assertEqual(shifted, region.replace(b'"line":3}}', b'"line":103}}').replace(b'"line":41}}', b'"line":141}}'))
        self.assertEqual(arbiter_spark.shift_error_lines(region, 0), region)

    def test_ranges_tile_the_file_at_line_starts(self):
        data = b"a\r\nbb\n\n\rccc\n" * 50 + b"tail"
        with tempfile.NamedTemporaryFile() as handle:
            handle.write(data)
            handle.flush()
            files = [(handle.name, len(data))]
            for partitions in (1, 2, 3, 7, 50, 400):
                ranges = arbiter_spark.plan_ranges(files, partitions)
                pieces = []
                for task in ranges:
                    with open(handle.name, "rb") as reader:
                        begin, end = arbiter_spark.aligned(reader, task)
                        pieces.append(b"".join(arbiter_spark.read_range(reader, begin, end)))
                self.assertEqual(b"".join(pieces), data)
                nonempty = [piece for piece in pieces if piece]
                self.assertTrue(all(piece.endswith(b"\n") for piece in nonempty[:-1]))
                self.assertEqual(sum(arbiter_spark.count_lines(task) for task in ranges), 201)

    def test_input_format_follows_diffs_rule(self):
        self.assertEqual(arbiter_spark.input_format(b'{"log":"arbiter-decisions","format":1}'), "serve-log")
        self.assertEqual(arbiter_spark.input_format(b'{"request":{},"decision":{}}'), "decision-log")
        self.assertEqual(arbiter_spark.input_format(b'{"id":"r1","kind":"return"}'), "requests")
        self.assertEqual(arbiter_spark.input_format(b'not json'), "requests")
        self.assertEqual(arbiter_spark.input_format(b'\xe9'), "requests")

    def test_input_format_reads_json_as_arbiters_reader_does(self):
        """A first line arbiter's reader refuses is not a log's, whatever Python's json module says."""
        log = b'{"request":{},"decision":{}}'
        self.assertEqual(arbiter_spark.input_format(b"\xef\xbb\xbf" + log), "requests")  # a byte order mark
        self.assertEqual(arbiter_spark.input_format(b'{"request":NaN,"decision":{}}'), "requests")
        self.assertEqual(arbiter_spark.input_format(b'{"request":Infinity,"decision":{}}'), "requests")
        self.assertEqual(arbiter_spark.input_format(b'{"request":"\\ud800","decision":{}}'), "requests")
        self.assertEqual(arbiter_spark.input_format(b'{"request":"\\ud83d\\ude00","decision":{}}'), "decision-log")
        # The object is level 1: 255 arrays inside it are 256 levels, as deep as arbiter reads.
        nested = lambda depth: b"[" * depth + b"]" * depth
        self.assertEqual(arbiter_spark.input_format(b'{"request":' + nested(255) + b',"decision":{}}'), "decision-log")
        self.assertEqual(arbiter_spark.input_format(b'{"request":' + nested(256) + b',"decision":{}}'), "requests")
        self.assertEqual(arbiter_spark.input_format(b'{"request":' + nested(5000) + b',"decision":{}}'), "requests")
        # Numbers are checked as JSON, not converted: a 5,000-digit integer is JSON to arbiter.
        self.assertEqual(arbiter_spark.input_format(b'{"request":{},"decision":{},"n":' + b"7" * 5000 + b"}"), "decision-log")

    def test_hadoop_paths_are_file_names_as_they_are(self):
        """Hadoop writes paths without percent-encoding: `%41` and `#` are part of the name."""
        self.assertEqual(arbiter_spark.hadoop_local_path("file:/tmp/p%41.jsonl"), "/tmp/p%41.jsonl")
        self.assertEqual(arbiter_spark.hadoop_local_path("file:///tmp/a#b.jsonl"), "/tmp/a#b.jsonl")
        self.assertEqual(arbiter_spark.hadoop_local_path("/tmp/a b.jsonl"), "/tmp/a b.jsonl")
        self.assertEqual(arbiter_spark.hadoop_local_path("relative/out"), "relative/out")
        self.assertEqual(arbiter_spark.hadoop_local_path("file://localhost/tmp/out"), "/tmp/out")
        self.assertIsNone(arbiter_spark.hadoop_local_path("hdfs://namenode/logs/a.jsonl"))
        self.assertIsNone(arbiter_spark.hadoop_local_path("s3a://bucket/a.jsonl"))

    def test_options_the_binary_would_refuse_are_refused_before_the_job(self):
        for mode, extra, said in [("diff", ["--candidate", RULES, "--examples", "-1"], b"--examples"),
                                  ("diff", ["--candidate", RULES, "--examples", "10001"], b"--examples"),
                                  ("decide", ["--serve-threads", "0"], b"--serve-threads"),
                                  ("decide", ["--max-line-bytes", "0"], b"--max-line-bytes"),
                                  ("diff", ["--candidate", RULES, "--max-line-bytes", "300"], b"--max-line-bytes"),
                                  ("replay", ["--max-line-bytes", "300"], b"--max-line-bytes")]:
            result = subprocess.run([sys.executable, JOB, mode, "--rules", RULES, "--input", "x", "--output", "y", *extra],
                                    stderr=subprocess.PIPE)
            self.assertEqual(result.returncode, 2, f"{mode} {extra}")
            self.assertIn(said, result.stderr)

    def test_first_line_skips_blank_lines_as_diff_does(self):
        data = b"\n  \t\r\n\r\n" + b'{"request":1,"decision":2}\r\n' + b"x\n"
        with tempfile.NamedTemporaryFile() as handle:
            handle.write(data)
            handle.flush()
            task = (handle.name, len(data), 0, len(data))
            self.assertEqual(arbiter_spark.first_line(task, 1 << 20), b'{"request":1,"decision":2}')
            self.assertEqual(arbiter_spark.first_line(task, 10), b"")  # too long: diff reads requests
        with tempfile.NamedTemporaryFile() as handle:
            handle.write(b"\n \n")
            handle.flush()
            self.assertIsNone(arbiter_spark.first_line((handle.name, 3, 0, 3), 1 << 20))

    def test_a_mode_without_what_it_needs_is_unusable(self):
        result = subprocess.run([sys.executable, JOB, "diff", "--rules", RULES, "--input", "x", "--output", "y"],
                                stderr=subprocess.PIPE)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"--candidate", result.stderr)


@unittest.skipUnless(os.access(BINARY, os.X_OK) or "ARBITER_BINARY" in os.environ,  # CI names it: never skip there
                     f"no arbiter binary at {BINARY}")
class OnSpark(unittest.TestCase):
    """The job on Spark in local mode against one serve process, byte for byte."""

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="arbiter-spark-test-")
        cls.input = os.path.join(cls.workdir, "requests.jsonl")
        cls.data = make_input(cls.input)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def check(self, audit, partitions, env=None):
        expected = serve(self.input, audit)
        output = os.path.join(self.workdir, f"out-{audit}-{partitions}-{bool(env)}")
        parts, body, stderr = run_job(self.input, output, audit, partitions, env)
        self.assertEqual(len(parts), partitions)
        self.assertTrue(body == expected, "the part files' concatenation differs from one serve run")
        # The comparison proves something: error answers in later partitions, beyond partition 0.
        answers = expected.split(b"\n")[:-1]
        errors = [json.loads(answer)["error"]["line"] for answer in answers if b'"error":{"code"' in answer]
        self.assertGreater(len(errors), 900)
        self.assertGreater(max(errors), len(self.data.split(b"\n")) * (partitions - 1) // partitions)
        return stderr

    def test_decide_equals_serve_byte_for_byte(self):
        self.check("full", partitions=5)

    def test_a_task_that_fails_once_is_retried_and_the_output_is_the_same(self):
        marker = os.path.join(self.workdir, "failed-once")
        stderr = self.check("summary", partitions=4, env={arbiter_spark.FAIL_ONCE_ENV: marker})
        self.assertTrue(os.path.exists(marker), "the failure hook did not fire")
        self.assertIn(b"partition 1 fails once", stderr)

    def test_a_folder_is_its_files_in_path_order_each_numbered_from_line_1(self):
        folder = os.path.join(self.workdir, "folder")
        os.mkdir(folder)
        lines = self.data.split(b"\n")
        pieces = {"a.jsonl": b"\n".join(lines[:1500]),      # no \n at its end: its last line is a line
                  "b.jsonl": b"",
                  "c%41#1.jsonl": b"\n".join(lines[1500:4000]) + b"\n",  # Hadoop's names are not URL-encoded
                  "_SUCCESS": b"not input", ".hidden": b"not input"}
        for name, content in pieces.items():
            with open(os.path.join(folder, name), "wb") as handle:
                handle.write(content)
        expected = b"".join(serve(os.path.join(folder, name), "none") for name in ("a.jsonl", "b.jsonl", "c%41#1.jsonl"))
        output = os.path.join(self.workdir, "out-folder")
        _, body, _ = run_job(folder, "file://localhost" + output, "none", partitions=4, read_from=output)
        self.assertTrue(body == expected, "the part files differ from serve run on each file, concatenated")
        errors = [json.loads(answer)["error"]["line"] for answer in body.split(b"\n")[:-1] if b'"error":{"code"' in answer]
        self.assertLessEqual(max(errors), 2500)  # numbered within c%41#1.jsonl (2,500 lines), not the folder (4,000)

    def test_a_policy_that_does_not_check_or_a_subfolder_is_refused_before_deciding(self):
        broken = os.path.join(self.workdir, "broken-rules")
        shutil.copytree(RULES, broken)
        path = os.path.join(broken, "cn", "parameters.yaml")
        with open(path, "a") as handle:
            handle.write("  late_coupon_rate: [unclosed\n")
        result = subprocess.run([sys.executable, JOB, "decide", "--rules", broken, "--input", self.input,
                                 "--output", os.path.join(self.workdir, "out-broken"), "--arbiter", BINARY,
                                 "--master", MASTER], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(result.returncode, 2, result.stderr.decode(errors="replace")[-3000:])
        self.assertIn(b"the policy does not check", result.stderr)
        self.assertIn(b"parameters.yaml:", result.stderr, "the diagnostics name the file and line")
        self.assertFalse(os.path.exists(os.path.join(self.workdir, "out-broken")))

        folder = os.path.join(self.workdir, "nested")
        os.makedirs(os.path.join(folder, "sub"))
        shutil.copy(self.input, os.path.join(folder, "sub", "requests.jsonl"))
        shutil.copy(self.input, os.path.join(folder, "top.jsonl"))
        result = subprocess.run([sys.executable, JOB, "decide", "--rules", RULES, "--input", folder,
                                 "--output", os.path.join(self.workdir, "out-nested"), "--arbiter", BINARY,
                                 "--master", MASTER], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(result.returncode, 2, result.stderr.decode(errors="replace")[-3000:])
        self.assertIn(b"/sub is a folder", result.stderr)
        self.assertIn(f"{folder}/*, which takes".encode(), result.stderr, "the advice names a glob that keeps every file")


@unittest.skipUnless(os.access(BINARY, os.X_OK) or "ARBITER_BINARY" in os.environ, f"no arbiter binary at {BINARY}")
class ReportsOnSpark(unittest.TestCase):
    """replay and diff on Spark against one arbiter process: 20,000 requests, 5% malformed."""

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="arbiter-spark-reports-")
        cls.input = os.path.join(cls.workdir, "requests.jsonl")
        make_input(cls.input)
        cls.candidate = candidate_rules(cls.workdir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def test_diff_equals_one_arbiter_diff_json(self):
        expected = subprocess.run([BINARY, "diff", "--base", RULES, "--candidate", self.candidate, "--format", "json",
                                   self.input], stdout=subprocess.PIPE)
        self.assertEqual(expected.returncode, 1, "the 10-day window changes decisions")
        output = os.path.join(self.workdir, "diff-out")
        marker = os.path.join(self.workdir, "diff-failed-once")
        result = run_mode("diff", ["--rules", RULES, "--candidate", self.candidate, "--input", self.input,
                                   "--output", output, "--partitions", "5"],
                          env={arbiter_spark.FAIL_ONCE_ENV: marker}, expect=(1,))
        self.assertTrue(os.path.exists(marker), "partition 1 failed once and was retried")
        report = open(os.path.join(output, "report.json"), "rb").read()
        self.assertTrue(report == expected.stdout, "the merged report differs from one arbiter diff run")
        # The comparison proves something: differences and examples from beyond the first partition.
        parsed = json.loads(report)
        self.assertGreater(parsed["requests"]["differing"], 50)
        self.assertGreater(parsed["requests"]["invalid_under_either"], 900)
        self.assertGreater(parsed["requests"]["read"], 19000, "every partition's requests are counted")
        sources = [example["source"] for group in parsed["examples"] for example in group["requests"]]
        self.assertTrue(sources and all(source.startswith(self.input + ":") for source in sources),
                        "examples name the input as given, with its line numbers")
        self.assertIn(b"differing", result.stderr)
        self.assertIn(b"Requests", open(os.path.join(output, "report.txt"), "rb").read())

    def test_replay_finds_the_differences_one_replay_finds(self):
        log = os.path.join(self.workdir, "decisions.log")
        with open(self.input, "rb") as handle:
            subprocess.run([BINARY, "serve", "--rules", RULES, "--audit", "summary", "--log", log], stdin=handle,
                           stdout=subprocess.DEVNULL, check=True)
        expected = subprocess.run([BINARY, "replay", "--rules", self.candidate, "--format", "json", log],
                                  stdout=subprocess.PIPE)
        self.assertEqual(expected.returncode, 1)
        whole = json.loads(expected.stdout)
        output = os.path.join(self.workdir, "replay-out")
        # Run as on a cluster: a binary with no Rules beside or above it, from a folder with none
        # (the merge needs no policy).
        lone = os.path.join(self.workdir, "bin", "arbiter")
        os.makedirs(os.path.dirname(lone))
        shutil.copy(BINARY, lone)
        run_mode("replay", ["--rules", self.candidate, "--input", log, "--output", output, "--partitions", "4"],
                 expect=(1,), cwd=self.workdir, binary=lone)
        folder = os.path.join(output, "differences")
        parts = sorted(name for name in os.listdir(folder) if name.startswith("part-"))
        self.assertEqual(len(parts), 4)
        records = [json.loads(line) for name in parts for line in open(os.path.join(folder, name), "rb").read().splitlines()]
        wanted = [result for result in whole["results"] if result["status"] != "same"]
        self.assertGreater(len(wanted), 50)
        self.assertEqual([(r["line"], r["id"]) for r in records], [(r["line"], r["id"]) for r in wanted])
        self.assertEqual(records, wanted, "the same records with the same field differences, in log order")
        summary = json.loads(open(os.path.join(output, "summary.json"), "rb").read())
        whole["results"] = []
        self.assertEqual(summary, whole, "the merged totals and per-field summary are the single run's")
        self.assertGreater(summary["summary"]["decisions"]["replayed"], 18000)


if __name__ == "__main__":
    unittest.main(verbosity=2)
