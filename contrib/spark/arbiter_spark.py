#!/usr/bin/env python3
"""Runs `arbiter` over a large input on Apache Spark (SPEC section 13).

    arbiter_spark.py decide --rules DIR --input PATH --output DIR [--audit LEVEL]
                     [--partitions N] [--arbiter BINARY] [--master URL] [--max-line-bytes N]
                     [--serve-threads N]
    arbiter_spark.py replay|diff ...      (not yet: see README.md)

`decide` cuts each input file into byte ranges at line breaks (`\\n` only, as `serve` does), pipes
every range through its own `arbiter serve` process on an executor and writes the answers as
JSON Lines part files (`OUTPUT/part-00000`, ...) whose concatenation in order is byte for byte
what one `arbiter serve` run over the input writes. An error answer's `"line"` is the input
file's line number: a first, cheap pass counts the lines of every range, and each error answer
of a range gets the lines before it added to its `"line"` (nothing else in it changes).

The binary and the policy set travel with Spark's file distribution (`SparkContext.addFile`,
`addArchive`); executors find them with `SparkFiles.get`. Run with `spark-submit` or with
`python3` (then the master is `local[*,4]`: all cores, a failed task tried up to 4 times).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from urllib.parse import urlparse, unquote

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2

RULES_ARCHIVE = "arbiter-rules.tar.gz"
BLOCK = 1 << 20               # bytes read from the input or from serve at a time
OUTPUT_RECORD = 4 << 20       # answers handed to Spark's writer in records of about this size
TARGET_SPLIT = 64 << 20       # default bytes per partition when the input is large
FAIL_ONCE_ENV = "ARBITER_SPARK_FAIL_ONCE"  # test hook: a marker path; partition 1 fails once

# An error answer as ProtocolHandler.writeError writes it:
# {"id":null|STRING,"error":{"code":CODE,"message":STRING,"path":null|STRING,"line":N}}
_STR = rb'"(?:[^"\\]|\\.)*"'
ERROR_ANSWER = re.compile(
    rb'\{"id":(?:null|' + _STR + rb'),"error":\{"code":"[a-z_]+","message":' + _STR
    + rb',"path":(?:null|' + _STR + rb'),"line":(\d+)\}\}')
# `,"` never occurs inside a JSON string (a quote in a string is escaped), so this marks the
# error object of an error answer and nothing else.
ERROR_MARK = b',"error":{"code":"'


class Unusable(Exception):
    """A problem with the command line or the files it names (exit 2)."""


class JobFailed(Exception):
    """The Spark job failed: a task failed more often than the master allows (exit 1)."""


def task_failure(error):
    """The line of a Spark job failure that says why the task failed (the rest is stack traces)."""
    lines = [line.strip() for line in str(error).splitlines()]
    for line in lines:
        if line.startswith("RuntimeError:"):
            return line
    return lines[0] if lines else repr(error)


# ---------------------------------------------------------------------------------------------
# Reading byte ranges of an input file (on executors).

def open_input(uri):
    """A seekable binary file for `uri`: a local path / file: URI, or any filesystem pyarrow knows."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        return open(unquote(parsed.path) if parsed.scheme else uri, "rb")
    try:
        from pyarrow import fs as pafs  # only needed for hdfs://, s3://, gs://, ...
    except ImportError as error:
        raise RuntimeError(f"reading {uri} on an executor needs pyarrow (pip install pyarrow)") from error
    filesystem, path = pafs.FileSystem.from_uri(uri)
    return filesystem.open_input_file(path)


def line_start(handle, position, size):
    """The first line start at or after `position`: 0, just after a `\\n`, or `size`.

    A line belongs to the range holding its first byte, so the ranges [s, e) of a file become
    the line-aligned ranges [line_start(s), line_start(e)), which tile the file exactly.
    """
    if position <= 0:
        return 0
    if position >= size:
        return size
    handle.seek(position - 1)
    offset = position - 1
    while True:
        block = handle.read(1 << 16)
        if not block:
            return size
        found = block.find(b"\n")
        if found >= 0:
            return offset + found + 1
        offset += len(block)


def aligned(handle, task):
    uri, size, start, end = task[:4]
    return line_start(handle, start, size), line_start(handle, end, size)


def read_range(handle, begin, end):
    """Yields the bytes [begin, end) of `handle` in blocks."""
    handle.seek(begin)
    left = end - begin
    while left > 0:
        block = handle.read(min(BLOCK, left))
        if not block:
            raise RuntimeError(f"input ended {left} bytes early (did it change during the job?)")
        left -= len(block)
        yield block


def count_lines(task):
    """How many lines `serve` sees in the task's range (a last line without `\\n` counts)."""
    with open_input(task[0]) as handle:
        begin, end = aligned(handle, task)
        lines = 0
        last = b"\n"
        for block in read_range(handle, begin, end):
            lines += block.count(b"\n")
            last = block[-1:]
        return lines + (1 if last != b"\n" else 0)


# ---------------------------------------------------------------------------------------------
# Deciding one range (on executors).

def shift_error_lines(region, base):
    """`region` (whole answer lines joined by `\\n`) with `base` added to every error answer's "line"."""
    if base == 0 or region.find(ERROR_MARK) < 0:
        return region
    pieces = []
    done = 0
    mark = region.find(ERROR_MARK)
    while mark >= 0:
        begin = region.rfind(b"\n", 0, mark) + 1
        end = region.find(b"\n", mark)
        if end < 0:
            end = len(region)
        match = ERROR_ANSWER.fullmatch(region, begin, end)
        if match is None:
            raise RuntimeError("an answer has an error object but not the error answer's shape: "
                               + region[begin:end][:300].decode("utf-8", "replace"))
        pieces.append(region[done:match.start(1)])
        pieces.append(str(int(match.group(1)) + base).encode("ascii"))
        done = match.end(1)
        mark = region.find(ERROR_MARK, end)
    pieces.append(region[done:])
    return b"".join(pieces)


def shipped_binary(name):
    from pyspark import SparkFiles
    path = SparkFiles.get(name)
    if not os.access(path, os.X_OK):
        os.chmod(path, 0o755)
    return path


def shipped_rules(name):
    """The unpacked policy folder: the archive's root, or its single top folder."""
    from pyspark import SparkFiles
    root = SparkFiles.get(name)
    for _ in range(3):
        if os.path.exists(os.path.join(root, "set.yaml")) or os.path.exists(os.path.join(root, "policy.yaml")):
            return root
        entries = [entry for entry in os.listdir(root) if not entry.startswith(".")]
        if len(entries) != 1 or not os.path.isdir(os.path.join(root, entries[0])):
            break
        root = os.path.join(root, entries[0])
    return root


def decide_partition(settings):
    """mapPartitionsWithIndex function: the range's answers as records of whole answer lines.

    Each record is several answer lines joined by `\\n`, without the last one's `\\n`, which
    saveAsTextFile adds back: the part file is exactly serve's output.
    """
    def run(index, tasks):
        for task in tasks:
            yield from decide_range(index, task, settings)
    return run


def decide_range(index, task, settings):
    uri, size, start, end, base = task
    command = [shipped_binary(settings["binary"]), "serve", "--rules", shipped_rules(settings["rules"]),
               "--audit", settings["audit"], "--threads", str(settings["threads"])]
    if settings["max_line_bytes"] is not None:
        command += ["--max-line-bytes", str(settings["max_line_bytes"])]
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    fail_marker = os.environ.get(FAIL_ONCE_ENV)
    fail_now = False
    if fail_marker and index == 1 and not os.path.exists(fail_marker):
        with open(fail_marker, "w") as marker:
            marker.write("partition 1 failed once on purpose\n")
        fail_now = True

    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment)
    feed_error = []

    def feed():
        try:
            with open_input(uri) as handle:
                begin, stop = aligned(handle, task)
                for block in read_range(handle, begin, stop):
                    process.stdin.write(block)
        except BrokenPipeError:
            feed_error.append("arbiter serve stopped reading its input")
        except BaseException as error:  # reported by the task below
            feed_error.append(f"reading {uri}: {error!r}")
        finally:
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        pending = bytearray()
        while True:
            block = process.stdout.read1(BLOCK)
            if not block:
                break
            pending += block
            if len(pending) < OUTPUT_RECORD:
                continue
            cut = pending.rfind(b"\n")
            if cut < 0:
                continue
            record = shift_error_lines(bytes(pending[:cut]), base)
            del pending[:cut + 1]
            record.decode("utf-8")  # the writer takes text: anything else would not round-trip
            yield record
            if fail_now:
                raise RuntimeError(f"{FAIL_ONCE_ENV}: partition 1 fails once (test hook)")
        feeder.join()
        code = process.wait()
        if feed_error:
            raise RuntimeError(f"partition {index}: {feed_error[0]} (arbiter serve exit {code})")
        if code != 0:
            raise RuntimeError(f"partition {index}: arbiter serve exited with {code}")
        if pending:
            if not pending.endswith(b"\n"):
                raise RuntimeError(f"partition {index}: arbiter serve's output ends inside a line")
            record = shift_error_lines(bytes(pending[:-1]), base)
            record.decode("utf-8")
            yield record
        if fail_now:
            raise RuntimeError(f"{FAIL_ONCE_ENV}: partition 1 fails once (test hook)")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------------
# The driver.

def list_inputs(sc, path):
    """(uri, size) of every input file, in path order: a file, a directory's files, or a glob."""
    jvm = sc._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    filesystem = hadoop_path.getFileSystem(sc._jsc.hadoopConfiguration())
    statuses = filesystem.globStatus(hadoop_path)
    if statuses is None or len(statuses) == 0:
        raise Unusable(f"--input {path}: no such file")
    files = []
    for status in statuses:
        if status.isDirectory():
            for child in filesystem.listStatus(status.getPath()):
                name = child.getPath().getName()
                if child.isFile() and not name.startswith(("_", ".")):
                    files.append((child.getPath().toString(), child.getLen()))
        else:
            files.append((status.getPath().toString(), status.getLen()))
    if not files:
        raise Unusable(f"--input {path}: no input files")
    return sorted(files)


def plan_ranges(files, partitions):
    """Byte ranges (uri, size, start, end): about `partitions` of them, at least one per file."""
    total = sum(size for _, size in files)
    target = max(1, -(-total // max(1, partitions)))
    ranges = []
    for uri, size in files:
        pieces = max(1, round(size / target))
        bounds = [size * piece // pieces for piece in range(pieces + 1)]
        ranges += [(uri, size, bounds[piece], bounds[piece + 1]) for piece in range(pieces)]
    return ranges


def package_rules(rules, workdir):
    """The policy set as an archive for addArchive (an archive given as --rules is shipped as is)."""
    if os.path.isfile(rules):
        if not rules.endswith((".zip", ".tar", ".tar.gz", ".tgz", ".jar")):
            raise Unusable(f"--rules {rules}: not a folder nor a .zip/.tar/.tar.gz/.tgz archive")
        return rules
    if not os.path.isdir(rules):
        raise Unusable(f"--rules {rules}: no such folder")
    if not (os.path.exists(os.path.join(rules, "set.yaml")) or os.path.exists(os.path.join(rules, "policy.yaml"))):
        raise Unusable(f"--rules {rules}: neither a policy set (set.yaml) nor a pack (policy.yaml)")
    archive = os.path.join(workdir, RULES_ARCHIVE)
    with tarfile.open(archive, "w:gz", dereference=True) as tar:  # links must not dangle on executors
        for entry in sorted(os.listdir(rules)):
            tar.add(os.path.join(rules, entry), arcname=entry)
    return archive


def find_binary(given):
    candidates = [given] if given else []
    if not given:
        here = os.path.dirname(os.path.abspath(__file__))
        candidates = [os.path.join(here, "..", "..", ".build", "release", "arbiter"), shutil.which("arbiter") or ""]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    raise Unusable(f"--arbiter {given or '(default .build/release/arbiter, then PATH)'}: no executable found")


def spark_context(app_name, master):
    from pyspark import SparkConf, SparkContext
    conf = SparkConf().setAppName(app_name)
    if master:
        conf.setMaster(master)
    elif not conf.contains("spark.master"):  # run with python3, not spark-submit
        conf.setMaster("local[*,4]")  # local mode retries a failed task only when told (",4")
    conf.setIfMissing("spark.ui.showConsoleProgress", "false")
    if conf.get("spark.master", "").startswith("local"):
        # Before the JVM starts: a local run binds to loopback and its workers run this
        # interpreter (on a cluster this path means nothing: workers take python3 from PATH
        # unless PYSPARK_PYTHON or spark.pyspark.python says otherwise).
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if os.environ.get(FAIL_ONCE_ENV):
        conf.set(f"spark.executorEnv.{FAIL_ONCE_ENV}", os.environ[FAIL_ONCE_ENV])
    return SparkContext(conf=conf)


def run_decide(args):
    binary = find_binary(args.arbiter)
    workdir = tempfile.mkdtemp(prefix="arbiter-spark-")
    try:
        rules_archive = package_rules(args.rules, workdir)
        sc = spark_context("arbiter decide", args.master)
        try:
            sc.setLogLevel(os.environ.get("ARBITER_SPARK_LOG_LEVEL", "WARN"))
            sc.addFile(binary)
            sc.addArchive(rules_archive)
            started = time.monotonic()
            files = list_inputs(sc, args.input)
            partitions = args.partitions or max(sc.defaultParallelism,
                                                -(-sum(size for _, size in files) // TARGET_SPLIT))
            ranges = plan_ranges(files, partitions)
            # Pass 1: lines per range, so each range knows the file line its first line is.
            try:
                counts = sc.parallelize(ranges, len(ranges)).map(count_lines).collect()
            except Exception as error:
                raise JobFailed(f"counting the lines of {args.input} failed: {task_failure(error)}") from error
            counted = time.monotonic()
            tasks = []
            before = {}
            for task, lines in zip(ranges, counts):
                base = before.get(task[0], 0)
                tasks.append(task + (base,))
                before[task[0]] = base + lines
            settings = {"binary": os.path.basename(binary), "rules": os.path.basename(rules_archive),
                        "audit": args.audit, "threads": args.serve_threads, "max_line_bytes": args.max_line_bytes}
            # Pass 2: one serve per range; part-NNNNN is range NNNNN's answers.
            answers = sc.parallelize(tasks, len(tasks)).mapPartitionsWithIndex(decide_partition(settings))
            try:
                answers.saveAsTextFile(args.output)
            except Exception as error:
                raise JobFailed(f"deciding failed: {task_failure(error)}") from error
            finished = time.monotonic()
            print(f"arbiter_spark decide: {len(files)} file(s), {sum(counts)} lines, {len(tasks)} partitions; "
                  f"counting {counted - started:.1f} s, deciding {finished - counted:.1f} s -> {args.output}",
                  file=sys.stderr)
        finally:
            sc.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return EXIT_OK


NOT_YET = {
    "replay": "needs `arbiter replay -` streaming a decision log from stdin (SPEC section 10; on main "
              "since bda0adc, not on this branch) and a machine-readable report of it (per-record "
              "differences with the input line, counts that add up across partitions) to merge",
    "diff": "needs `arbiter diff --format json --base DIR --candidate DIR -` and mergeable partial "
            "reports (SPEC section 11), which are being built on another branch",
}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="arbiter_spark.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["decide", "replay", "diff"])
    parser.add_argument("--rules", required=True, help="policy set or pack folder (or an archive of one)")
    parser.add_argument("--input", required=True, help="input file, folder or glob, as Spark reads paths")
    parser.add_argument("--output", required=True, help="output folder (must not exist)")
    parser.add_argument("--audit", choices=["full", "summary", "none"], default="full")
    parser.add_argument("--partitions", type=int, default=None,
                        help="about this many byte ranges (default: the default parallelism, or 64 MiB each)")
    parser.add_argument("--arbiter", default=None,
                        help="arbiter binary built with --static-swift-stdlib (default .build/release/arbiter)")
    parser.add_argument("--master", default=None,
                        help="Spark master (default: spark-submit's --master, else local[*,4] under python3)")
    parser.add_argument("--candidate", default=None, help="diff: the candidate policy")
    parser.add_argument("--max-line-bytes", type=int, default=None, help="passed to serve")
    parser.add_argument("--serve-threads", type=int, default=1,
                        help="serve --threads per task (default 1: Spark gives a task one core)")
    args = parser.parse_args(argv)
    if args.partitions is not None and args.partitions < 1:
        parser.error("--partitions must be at least 1")
    if args.mode == "diff" and not args.candidate:
        parser.error("diff needs --candidate DIR")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.mode in NOT_YET:
        print(f"arbiter_spark.py {args.mode}: not yet: {NOT_YET[args.mode]}; only decide is available",
              file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        return run_decide(args)
    except Unusable as error:
        print(f"arbiter_spark.py: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except JobFailed as error:
        print(f"arbiter_spark.py: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
