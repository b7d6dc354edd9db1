#!/usr/bin/env python3
"""Runs `arbiter` over a large input on Apache Spark (SPEC section 13).

    arbiter_spark.py decide --rules DIR --input PATH --output DIR [--audit LEVEL]
                     [--partitions N] [--arbiter BINARY] [--master URL] [--max-line-bytes N]
                     [--serve-threads N]
    arbiter_spark.py replay --rules DIR --input LOGS --output DIR [...]
    arbiter_spark.py diff --rules DIR --candidate DIR --input PATH --output DIR [--examples N] [...]

`decide` cuts each input file into byte ranges at line breaks (`\\n` only, as `serve` does), pipes
every range through its own `arbiter serve` process on an executor and writes the answers as
JSON Lines part files (`OUTPUT/part-00000`, ...) whose concatenation in order is byte for byte
what one `arbiter serve` run over the input writes. An error answer's `"line"` is the input
file's line number: a first, cheap pass counts the lines of every range, and each error answer
of a range gets the lines before it added to its `"line"` (nothing else in it changes).

`replay` pipes every range of a decision log through `arbiter replay --format json -` (told the
log's name and the file line its range starts at), writes the records that differ as JSON Lines
part files (`OUTPUT/differences/part-*`) and merges the ranges' totals with `arbiter replay
--merge` into `OUTPUT/summary.json` (and `.txt`). `diff` pipes every range through `arbiter diff
--format partial -` and merges the partial reports, in input order, with `arbiter diff --merge`
into `OUTPUT/report.json` (and `.txt`): the same bytes as one `arbiter diff --format json` run.
All counting and policy arithmetic is the binary's; this script only moves bytes.

The binary and the policy set travel with Spark's file distribution (`SparkContext.addFile`,
`addArchive`); executors find them with `SparkFiles.get`. Run with `spark-submit` or with
`python3` (then the master is `local[*,4]`: all cores, a failed task tried up to 4 times).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

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

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def hadoop_local_path(uri):
    """The local path of a path as Hadoop writes it (`file:/a/b`, `file:///a/b` or `/a/b`), or None
    for another filesystem. Hadoop's path text is not percent-encoded: `p%41.jsonl` and `a#b.jsonl`
    are file names as they are, so nothing is unquoted and `#` starts no fragment."""
    if uri.startswith("file:"):
        path = uri[len("file:"):]
        if path.startswith("//"):
            # file://HOST/path: the empty host (file:///path) and localhost are this machine.
            path = path[2:]
            if path.startswith("localhost/"):
                path = path[len("localhost"):]
            if not path.startswith("/"):
                return None
        return path
    return None if _SCHEME.match(uri) else uri


def open_input(uri):
    """A seekable binary file for `uri`: a local path / file: URI, or any filesystem pyarrow knows."""
    local = hadoop_local_path(uri)
    if local is not None:
        return open(local, "rb")
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


def first_line(task, max_line_bytes):
    """The range's first non-blank line (without `\\r\\n`), as `arbiter diff` sees it; None if none.

    A line over `max_line_bytes` is returned as b"" (diff reads such a first line as requests).
    """
    with open_input(task[0]) as handle:
        begin, end = aligned(handle, task)
        pending = bytearray()
        for block in read_range(handle, begin, end):
            pending += block
            while True:
                cut = pending.find(b"\n")
                if cut < 0:
                    break
                line = bytes(pending[:cut])
                del pending[:cut + 1]
                found = _nonblank(line, max_line_bytes)
                if found is not None:
                    return found
            if len(pending) > max_line_bytes + 1:
                return b""
        return _nonblank(bytes(pending), max_line_bytes) if pending else None


def _nonblank(line, max_line_bytes):
    if line.endswith(b"\r"):
        line = line[:-1]
    if not line.strip(b" \t"):
        return None
    return b"" if len(line) > max_line_bytes else line


MAXIMUM_DEPTH = 256  # JSONReader.maximumDepth


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _well_formed(value, depth=1):
    """Whether a value Python's json module read is one arbiter's reader reads too: nesting at most
    MAXIMUM_DEPTH deep (the outermost array or object is 1) and no string holding a lone UTF-16
    surrogate (an escape such as "\\ud800", which arbiter refuses: interpretation 24)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, (list, dict)):
        if depth > MAXIMUM_DEPTH:
            return False
        if isinstance(value, dict):
            return all(_well_formed(key, depth + 1) and _well_formed(item, depth + 1) for key, item in value.items())
        return all(_well_formed(item, depth + 1) for item in value)
    return True


def strict_json(line):
    """The value of `line` when arbiter's JSON reader accepts it (RFC 8259 text in UTF-8, no byte
    order mark, no NaN or Infinity, no lone surrogate, at most 256 levels deep), else None."""
    if line.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        # Numbers are only checked, never used: parse_int keeps Python's 4,300-digit limit on
        # int conversion from refusing a long integer that arbiter's reader takes as written.
        return_value = json.loads(line.decode("utf-8"), parse_constant=_reject_constant, parse_int=lambda text: 0)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return return_value if _well_formed(return_value) else None


def input_format(line):
    """What an input holds, from its first non-blank line: DiffInputFormat.detect's rule
    (Sources/ArbiterCore/Diff/DiffInput.swift), for the pieces that do not start with that line."""
    value = strict_json(line)
    if isinstance(value, dict):
        if value.get("log") == "arbiter-decisions":
            return "serve-log"
        if "request" in value and "decision" in value:
            return "decision-log"
    return "requests"


def survey(max_line_bytes):
    """Pass 1 of replay and diff: (lines, first non-blank line) of a range."""
    def run(task):
        return count_lines(task), first_line(task, max_line_bytes)
    return run


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



def start_feeder(process, blocks, stopped, reading):
    """Writes the bytes `blocks()` yields to `process`'s stdin on a thread of its own and then
    closes it, so that the caller can read the output meanwhile. Returns the thread and a list
    that holds, once it has ended, what went wrong: `stopped` when the process stopped reading,
    `reading: error` when `blocks` failed (reported by the task, which knows the exit code)."""
    errors = []

    def feed():
        try:
            for block in blocks():
                process.stdin.write(block)
        except BrokenPipeError:
            errors.append(stopped)
        except BaseException as error:  # reported by the task
            errors.append(f"{reading}: {error!r}")
        finally:
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    return feeder, errors

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

    def blocks():
        with open_input(uri) as handle:
            begin, stop = aligned(handle, task)
            yield from read_range(handle, begin, stop)

    feeder, feed_error = start_feeder(process, blocks, "arbiter serve stopped reading its input", f"reading {uri}")
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
# Replaying and diffing one range (on executors): the range through one arbiter command, whose
# whole (small) output is the result.

def run_command(command, index, feed_bytes, accept=(0, 1)):
    """Runs `command` with the bytes `feed_bytes()` yields on stdin; its stdout, or RuntimeError."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=environment)
    feeder, feed_error = start_feeder(process, feed_bytes, f"{command[1]} stopped reading its input", "reading the input")
    errors = []
    drain = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    drain.start()
    try:
        output = process.stdout.read()
        feeder.join()
        code = process.wait()
        drain.join()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = (errors[0] if errors else b"").decode("utf-8", "replace").strip()
    if feed_error:
        raise RuntimeError(f"partition {index}: {feed_error[0]} (arbiter {command[1]} exit {code})")
    if code not in accept:
        raise RuntimeError(f"partition {index}: arbiter {command[1]} exited with {code}: {stderr[-2000:]}")
    return output


def range_bytes(task):
    def blocks():
        with open_input(task[0]) as handle:
            begin, stop = aligned(handle, task)
            yield from read_range(handle, begin, stop)
    return blocks


def fail_once(index):
    """The test hook: partition 1 fails once when FAIL_ONCE_ENV names a marker that does not exist."""
    marker = os.environ.get(FAIL_ONCE_ENV)
    if marker and index == 1 and not os.path.exists(marker):
        with open(marker, "w") as handle:
            handle.write("partition 1 failed once on purpose\n")
        raise RuntimeError(f"{FAIL_ONCE_ENV}: partition 1 fails once (test hook)")


def replay_partition(settings):
    """mapPartitionsWithIndex function: ("D", record line) for each logged decision of the range
    that is not reproduced (or could not be read), then ("S", the range's report without its
    results) for the merge."""
    def run(index, tasks):
        for task in tasks:
            uri, size, start, end, base, name = task
            command = [shipped_binary(settings["binary"]), "replay", "--rules", shipped_rules(settings["rules"]),
                       "--format", "json", "--stdin-name", name, "--stdin-first-line", str(base + 1), "-"]
            report = json.loads(run_command(command, index, range_bytes(task)))
            fail_once(index)
            for result in report.pop("results"):
                if result["status"] != "same":
                    yield "D", json.dumps(result, ensure_ascii=False, separators=(",", ":"))
            yield "S", json.dumps(report, ensure_ascii=False, separators=(",", ":"))
    return run


def diff_partition(settings):
    """mapPartitionsWithIndex function: the range's partial diff report (one line)."""
    def run(index, tasks):
        for task in tasks:
            uri, size, start, end, base, name, form = task
            command = [shipped_binary(settings["binary"]), "diff",
                       "--base", shipped_rules(settings["rules"]), "--candidate", shipped_rules(settings["candidate"]),
                       "--base-name", settings["base_name"], "--candidate-name", settings["candidate_name"],
                       "--format", "partial", "--examples", str(settings["examples"]), "--threads", str(settings["threads"]),
                       "--stdin-name", name, "--stdin-first-line", str(base + 1), "--input-format", form, "-"]
            partial = run_command(command, index, range_bytes(task)).decode("utf-8")
            fail_once(index)
            if partial.count("\n") != 1:
                raise RuntimeError(f"partition {index}: arbiter diff wrote {partial.count(chr(10))} lines, not one partial report")
            yield partial.rstrip("\n")
    return run


def merge_on_executor(sc, settings, command_tail, lines, fmt):
    """Runs `arbiter COMMAND --merge --format FMT -` with `lines` on stdin in one task (on an
    executor, where the shipped binary is); its output and exit status."""
    payload = ("\n".join(lines) + "\n").encode("utf-8")

    def run(_index, _items):
        command = [shipped_binary(settings["binary"])] + command_tail + ["--merge", "--format", fmt, "-"]
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
        result = subprocess.run(command, input=payload, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
        if result.returncode not in (0, 1):
            raise RuntimeError(f"arbiter {' '.join(command_tail)} --merge exited with {result.returncode}: "
                               + result.stderr.decode("utf-8", "replace")[-2000:])
        yield result.returncode, result.stdout

    return sc.parallelize([0], 1).mapPartitionsWithIndex(run).collect()[0]


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
                if name.startswith(("_", ".")):
                    continue  # Spark's own markers (_SUCCESS, _temporary) and hidden files
                if child.isDirectory():
                    # Not read, and not skipped silently either: an auditor's count would be short.
                    raise Unusable(f"--input {path}: {child.getPath().toString()} is a folder; "
                                   f"name the files inside it with a glob ({path.rstrip('/')}/*, which takes each subfolder's "
                                   f"files and the folder's own) or one by one")
                if child.isFile():
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


def package_rules(rules, workdir, archive_name=RULES_ARCHIVE, option="--rules"):
    """The policy set as an archive for addArchive (an archive given as --rules is shipped as is)."""
    if os.path.isfile(rules):
        if not rules.endswith((".zip", ".tar", ".tar.gz", ".tgz", ".jar")):
            raise Unusable(f"{option} {rules}: not a folder nor a .zip/.tar/.tar.gz/.tgz archive")
        return rules
    if not os.path.isdir(rules):
        raise Unusable(f"{option} {rules}: no such folder")
    if not (os.path.exists(os.path.join(rules, "set.yaml")) or os.path.exists(os.path.join(rules, "policy.yaml"))):
        raise Unusable(f"{option} {rules}: neither a policy set (set.yaml) nor a pack (policy.yaml)")
    archive = os.path.join(workdir, archive_name)
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
            args.output = new_output(sc, args.output)  # from here on, as Hadoop resolves it
            check_policies(sc, os.path.basename(binary), [("--rules", args.rules, os.path.basename(rules_archive))])
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


CANDIDATE_ARCHIVE = "arbiter-candidate.tar.gz"


def input_names(files, given):
    """How reports name each input file: as given with --input when it is that one file (as one
    would name it to `arbiter replay` or `arbiter diff`), else its path (`file:` dropped)."""
    names = {}
    for uri, _ in files:
        local = hadoop_local_path(uri) or uri
        names[uri] = given if len(files) == 1 and os.path.abspath(given) == os.path.abspath(local) else local
    return names


def run_report(args, mode):
    """replay and diff: ranges through arbiter on executors, their reports merged by arbiter."""
    binary = find_binary(args.arbiter)
    workdir = tempfile.mkdtemp(prefix="arbiter-spark-")
    try:
        rules_archive = package_rules(args.rules, workdir)
        candidate_archive = None
        if mode == "diff":
            candidate_archive = package_rules(args.candidate, workdir, CANDIDATE_ARCHIVE, "--candidate")
            if os.path.basename(candidate_archive) == os.path.basename(rules_archive):
                raise Unusable(f"--rules and --candidate are archives of the same name ({os.path.basename(rules_archive)})")
        sc = spark_context(f"arbiter {mode}", args.master)
        try:
            sc.setLogLevel(os.environ.get("ARBITER_SPARK_LOG_LEVEL", "WARN"))
            sc.addFile(binary)
            sc.addArchive(rules_archive)
            if candidate_archive:
                sc.addArchive(candidate_archive)
            args.output = new_output(sc, args.output)  # from here on, as Hadoop resolves it
            policies = [("--rules", args.rules, os.path.basename(rules_archive))]
            if candidate_archive:
                policies.append(("--candidate", args.candidate, os.path.basename(candidate_archive)))
            check_policies(sc, os.path.basename(binary), policies)
            started = time.monotonic()
            files = list_inputs(sc, args.input)
            names = input_names(files, args.input)
            partitions = args.partitions or max(sc.defaultParallelism,
                                                -(-sum(size for _, size in files) // TARGET_SPLIT))
            ranges = plan_ranges(files, partitions)
            limit = args.max_line_bytes or (1 << 20)
            try:
                surveyed = sc.parallelize(ranges, len(ranges)).map(survey(limit)).collect()
            except Exception as error:
                raise JobFailed(f"counting the lines of {args.input} failed: {task_failure(error)}") from error
            counted = time.monotonic()
            # Each file's format from its first non-blank line (in the first range that has one).
            formats = {}
            for task, (_, first) in zip(ranges, surveyed):
                if task[0] not in formats and first is not None:
                    formats[task[0]] = input_format(first)
            tasks = []
            before = {}
            for task, (lines, _) in zip(ranges, surveyed):
                base = before.get(task[0], 0)
                extra = (formats.get(task[0], "requests"),) if mode == "diff" else ()
                tasks.append(task + (base, names[task[0]]) + extra)
                before[task[0]] = base + lines
            settings = {"binary": os.path.basename(binary), "rules": os.path.basename(rules_archive),
                        "threads": args.serve_threads}
            make_output(sc, args.output)
            if mode == "replay":
                status, summary = replay_job(sc, settings, tasks, args)
            else:
                settings.update(candidate=os.path.basename(candidate_archive), base_name=args.rules,
                                candidate_name=args.candidate, examples=args.examples)
                status, summary = diff_job(sc, settings, tasks, args)
            finished = time.monotonic()
            print(f"arbiter_spark {mode}: {len(files)} file(s), {sum(lines for lines, _ in surveyed)} lines, "
                  f"{len(tasks)} partitions; counting {counted - started:.1f} s, {mode} {finished - counted:.1f} s "
                  f"-> {args.output}\n{summary}", file=sys.stderr)
        finally:
            sc.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return status


def new_output(sc, given):
    """The output folder as Hadoop resolves it (a path without a scheme is on the default
    filesystem: the local disk in local mode, HDFS on most clusters), checked before any work:
    Unusable when it already exists (Spark's rule for its part files) or Hadoop cannot resolve it."""
    local = hadoop_local_path(given)
    path = "file:" + local if given.startswith("file:") and local is not None else given  # file://localhost/x is file:/x
    try:
        target = sc._jvm.org.apache.hadoop.fs.Path(path)
        filesystem = target.getFileSystem(sc._jsc.hadoopConfiguration())
        qualified = filesystem.makeQualified(target)
        local = hadoop_local_path(qualified.toString())
        exists = os.path.lexists(local) if local is not None else filesystem.exists(qualified)
    except Exception as error:
        raise Unusable(f"--output {given}: {task_failure(error)}") from error
    if exists:
        raise Unusable(f"--output {given}: already exists")
    return qualified.toString()


def check_policies(sc, binary, policies):
    """`arbiter check` of each shipped policy, in one task on an executor (where the binary runs):
    a policy with errors is an unusable command line (exit 2, its diagnostics shown), not a job
    whose every task fails on it."""
    def run(_index, _items):
        results = []
        for option, given, archive in policies:
            command = [shipped_binary(binary), "check", "--color", "never", "--rules", shipped_rules(archive)]
            environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
            result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment)
            results.append((option, given, result.returncode, result.stdout.decode("utf-8", "replace")))
        yield results
    try:
        results = sc.parallelize([0], 1).mapPartitionsWithIndex(run).collect()[0]
    except Exception as error:
        raise JobFailed(f"checking the policies failed: {task_failure(error)}") from error
    for option, given, code, output in results:
        if code != 0:
            shown = output.strip().splitlines()
            raise Unusable(f"{option} {given}: the policy does not check (arbiter check exit {code}):\n"
                           + "\n".join(shown[:40]) + ("\n…" if len(shown) > 40 else ""))


def make_output(sc, output):
    """Creates the output folder (`new_output`'s, for the reports' small files)."""
    local = hadoop_local_path(output)
    if local is not None:
        os.makedirs(local)
        return
    target = sc._jvm.org.apache.hadoop.fs.Path(output)
    target.getFileSystem(sc._jsc.hadoopConfiguration()).mkdirs(target)


def write_output(sc, args, name, data):
    """A small file of the report in OUTPUT (a local folder, or through Hadoop's FileSystem)."""
    local = hadoop_local_path(args.output)
    if local is not None:
        with open(os.path.join(local, name), "wb") as handle:
            handle.write(data)
        return
    jvm = sc._jvm
    target = jvm.org.apache.hadoop.fs.Path(args.output + "/" + name)
    stream = target.getFileSystem(sc._jsc.hadoopConfiguration()).create(target, False)
    try:
        stream.write(bytearray(data))
    finally:
        stream.close()


def replay_job(sc, settings, tasks, args):
    from pyspark import StorageLevel
    pieces = sc.parallelize(tasks, len(tasks)).mapPartitionsWithIndex(replay_partition(settings))
    pieces.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        try:
            pieces.filter(lambda item: item[0] == "D").map(lambda item: item[1]).saveAsTextFile(args.output + "/differences")
            summaries = pieces.filter(lambda item: item[0] == "S").map(lambda item: item[1]).collect()
        except Exception as error:
            raise JobFailed(f"replaying failed: {task_failure(error)}") from error
    finally:
        pieces.unpersist()
    try:
        code, merged = merge_on_executor(sc, settings, ["replay"], summaries, "json")
        _, text = merge_on_executor(sc, settings, ["replay"], summaries, "text")
    except Exception as error:
        raise JobFailed(f"merging the partitions' replay reports failed: {task_failure(error)}") from error
    write_output(sc, args, "summary.json", merged)
    write_output(sc, args, "summary.txt", text)
    return (EXIT_OK if code == 0 else EXIT_FAILED), text.decode("utf-8", "replace").strip()


def diff_job(sc, settings, tasks, args):
    try:
        partials = sc.parallelize(tasks, len(tasks)).mapPartitionsWithIndex(diff_partition(settings)).collect()
    except Exception as error:
        raise JobFailed(f"diffing failed: {task_failure(error)}") from error
    try:
        code, merged = merge_on_executor(sc, settings, ["diff"], partials, "json")
        _, text = merge_on_executor(sc, settings, ["diff"], partials, "text")
    except Exception as error:
        raise JobFailed(f"merging the partial diff reports failed: {task_failure(error)}") from error
    write_output(sc, args, "report.json", merged)
    write_output(sc, args, "report.txt", text)
    lines = text.decode("utf-8", "replace").splitlines()
    return (EXIT_OK if code == 0 else EXIT_FAILED), "\n".join(lines[:12])


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
                        help="serve (and diff) --threads per task (default 1: Spark gives a task one core)")
    parser.add_argument("--examples", type=int, default=5,
                        help="diff: example requests per outcome transition (the first N in input order)")
    args = parser.parse_args(argv)
    # What the binary would refuse on every executor is refused here, once, with exit 2.
    if args.partitions is not None and args.partitions < 1:
        parser.error("--partitions must be at least 1")
    if args.mode == "diff" and not args.candidate:
        parser.error("diff needs --candidate DIR")
    if not 1 <= args.serve_threads <= 64:
        parser.error("--serve-threads must be between 1 and 64")
    if not 0 <= args.examples <= 10_000:
        parser.error("--examples must be between 0 and 10000")
    if args.max_line_bytes is not None:
        if args.mode != "decide":
            parser.error("--max-line-bytes is decide's (serve's); replay and diff read lines as "
                         "`arbiter replay` and `arbiter diff` do")
        if not 1 <= args.max_line_bytes <= 1 << 30:
            parser.error("--max-line-bytes must be between 1 and 1073741824 (1 GiB)")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run_decide(args) if args.mode == "decide" else run_report(args, args.mode)
    except Unusable as error:
        print(f"arbiter_spark.py: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except JobFailed as error:
        print(f"arbiter_spark.py: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
