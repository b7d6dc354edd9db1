"""The client: one ``arbiter serve`` process (or a pair of pipes), many callers.

How it works. ``serve`` answers exactly one line per non-empty input line, in input order
(SPEC section 3), so the client keeps the requests it has written and not yet seen answered
in a queue, in the order they were written, and gives each answer line to the oldest one.
Writing a request and adding it to the queue happen under one lock, so the queue's order is
the pipe's order whatever the number of calling threads; one reader thread per process reads
answers. When the process dies (stdout closes), the requests still in the queue are written
again, in order, to a new process: each gets exactly one answer. A request that is answered
with an error object raises the exception of its code.
"""

import collections
import decimal
import io
import json
import logging
import os
import queue
import shutil
import subprocess
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Deque, Dict, Iterable, Iterator, List, Optional, Sequence, Union

from .errors import (
    ArbiterClosed,
    ArbiterError,
    ArbiterTimeout,
    ArbiterUnavailable,
    ProtocolError,
    error_for_answer,
)

log = logging.getLogger("arbiter_client")

Request = Union[Dict[str, Any], str, bytes]

_STDERR_LINES = 40


class _Pending:
    """A request written to serve and not answered yet."""

    __slots__ = ("line", "future", "request_id", "attempts", "sent_at")

    def __init__(self, line: bytes, request_id: Optional[str]):
        self.line = line
        self.future: Future = Future()
        self.request_id = request_id
        self.attempts = 0
        self.sent_at = 0.0


class _Process:
    """One ``serve`` process or pair of pipes, and the threads reading it."""

    def __init__(self, generation: int, writer, reader, popen: Optional[subprocess.Popen]):
        self.generation = generation
        self.writer = writer
        self.reader = reader
        self.popen = popen
        self.answers = 0
        self.stderr: Deque[str] = collections.deque(maxlen=_STDERR_LINES)
        # What to write to serve, in order; None closes its input. A thread of its own writes
        # it, so that no caller ever blocks in a write: a serve that stops reading cannot hold
        # callers (and their timeouts, and close()) behind a full pipe.
        self.outbox: "queue.SimpleQueue[Optional[bytes]]" = queue.SimpleQueue()
        self.threads: List[threading.Thread] = []

    def stderr_text(self) -> str:
        return "".join(self.stderr)

    def kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            try:
                self.popen.kill()
            except OSError:
                pass


class Arbiter:
    """A client of ``arbiter serve``; safe to share between threads.

    Spawn a process::

        with Arbiter(binary="arbiter", rules="/srv/policies/Rules", audit="summary") as a:
            decision = a.decide(request, timeout=2.0)

    or attach to the two ends of a ``serve`` you run yourself (no restarts then)::

        proc = subprocess.Popen(["arbiter", "serve"], stdin=PIPE, stdout=PIPE)
        with Arbiter(stdin=proc.stdin, stdout=proc.stdout) as a:
            ...

    Args:
        binary: the ``arbiter`` executable (default ``$ARBITER_BINARY``, else ``arbiter``
            on ``PATH``).
        rules: ``--rules`` (a policy set or pack folder); None lets serve find its own.
        audit: ``--audit`` (``full``, ``summary`` or ``none``); None is serve's default, full.
        args: more arguments for ``serve`` (``["--threads", "2"]``, ``["--log", path]``).
        env, cwd: for the process (``ARBITER_RULES`` in ``env`` works as ``rules``).
        stdin, stdout: instead of spawning, the serve process's stdin (a writable binary
            file) and stdout (a readable one). A client attached this way cannot restart.
        timeout: default timeout in seconds of ``decide`` and friends (None: wait forever).
        restart: start a new process when serve dies, and send it what was unanswered.
        max_fruitless_restarts: after this many deaths in a row with no answer in between,
            the oldest outstanding request is failed with ArbiterUnavailable (it is the likely
            cause) and the others go on.
        start_timeout: seconds ``start()`` waits for serve's answer to a ping.
    """

    def __init__(
        self,
        binary: Optional[str] = None,
        rules: Optional[Union[str, os.PathLike]] = None,
        audit: Optional[str] = None,
        *,
        args: Sequence[str] = (),
        env: Optional[Dict[str, str]] = None,
        cwd: Optional[Union[str, os.PathLike]] = None,
        stdin=None,
        stdout=None,
        timeout: Optional[float] = None,
        restart: bool = True,
        max_fruitless_restarts: int = 3,
        start_timeout: float = 60.0,
    ):
        if (stdin is None) != (stdout is None):
            raise ValueError("give both stdin and stdout of the serve process to attach to it, or neither")
        self._attached = stdin is not None
        if self._attached and (binary or rules or audit or args):
            raise ValueError("binary, rules, audit and args are for a spawned process, not for attached pipes")
        if self._attached and (isinstance(stdin, io.TextIOBase) or isinstance(stdout, io.TextIOBase)):
            raise ValueError("attach to binary pipes (subprocess.Popen without text=True)")
        self.binary = binary or os.environ.get("ARBITER_BINARY") or shutil.which("arbiter") or "arbiter"
        self.command: List[str] = [os.fspath(self.binary), "serve"]
        if rules is not None:
            self.command += ["--rules", os.fspath(rules)]
        if audit is not None:
            self.command += ["--audit", audit]
        self.command += list(args)
        self._env = env
        self._cwd = cwd
        self._pipes = (stdin, stdout)
        self.timeout = timeout
        self._restart = restart and not self._attached
        self._max_fruitless = max(1, max_fruitless_restarts)
        self._start_timeout = start_timeout

        # Lock order: _send, then _state. _send orders writes (the queue's order is the
        # pipe's); _state guards the queue and the process, and is never held while writing.
        self._send = threading.Lock()
        self._state = threading.Lock()
        self._pending: Deque[_Pending] = collections.deque()
        self._process: Optional[_Process] = None
        self._generation = 0
        self._fruitless = 0
        self._failure: Optional[ArbiterError] = None
        self._closed = False
        self._last_answer_at = time.monotonic()
        self.restarts = 0
        """How many times a process was started again after dying."""
        self.policy: Optional[Dict[str, Any]] = None
        """The policy serve reported at start (``pong``'s ``policy``), after ``start()``."""
        self.policies: Optional[List[Dict[str, Any]]] = None

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> "Arbiter":
        """Start serve (if not yet) and wait for its answer to a ping, so that a policy that
        does not load raises ArbiterUnavailable here, with serve's message."""
        pong = self.ping(timeout=self._start_timeout)
        self.policy = pong.get("policy")
        self.policies = pong.get("policies")
        return self

    def __enter__(self) -> "Arbiter":
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self, timeout: float = 10.0) -> None:
        """Close serve's stdin, let it answer what it has, and wait for it to exit (killed
        after ``timeout`` seconds). Requests still unanswered then raise ArbiterClosed."""
        with self._send:
            with self._state:
                if self._closed:
                    return
                self._closed = True
                process = self._process
            if process is not None:
                process.outbox.put(None)  # after what is queued: serve answers it, then ends
        if process is not None:
            deadline = time.monotonic() + timeout
            for thread in process.threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            if process.popen is not None:
                try:
                    process.popen.wait(max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.popen.wait()
                for thread in process.threads:  # the writer, if a stuck serve held it
                    thread.join(2.0)
                for stream in (process.popen.stdout, process.popen.stderr):
                    try:
                        stream.close()
                    except (OSError, ValueError):
                        pass
        with self._state:
            left = list(self._pending)
            self._pending.clear()
            self._process = None
        for entry in left:
            _fail(entry, ArbiterClosed("the client was closed before serve answered"))

    @property
    def pid(self) -> Optional[int]:
        """The running serve process's id (None when attached or not running)."""
        process = self._process
        return process.popen.pid if process is not None and process.popen is not None else None

    # -- requests -------------------------------------------------------------------------

    def submit(self, request: Request) -> Future:
        """Send one request now; a Future of its decision (a dict), or of the ErrorAnswer
        subclass for an error answer. ``request`` is a dict, or one line of JSON text."""
        return self.submit_many([request])[0]

    def submit_many(self, requests: Iterable[Request]) -> List[Future]:
        """Send many requests in one write (the fastest way to pipeline); Futures in order."""
        entries = [_Pending(*_encode(request)) for request in requests]
        if not entries:
            return []
        with self._send:
            with self._state:
                if self._closed:
                    raise ArbiterClosed("the client is closed")
                if self._failure is not None:
                    raise self._failure
                process = self._process or self._spawn()
                now = time.monotonic()
                if not self._pending:
                    self._last_answer_at = now  # the wait for an answer starts now
                for entry in entries:
                    entry.attempts += 1
                    entry.sent_at = now
                    self._pending.append(entry)
            _write(process, b"".join(entry.line for entry in entries))
        return [entry.future for entry in entries]

    def decide(self, request: Request, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Decide one request: the decision as a dict (SPEC section 5).

        Raises InvalidRequest (with ``.path``), InvalidJson, TooLarge, UnsupportedOp,
        InternalError for error answers; ArbiterTimeout after ``timeout`` seconds (default:
        the client's); ArbiterUnavailable when serve cannot run; ArbiterClosed.
        """
        deadline = self._deadline(timeout)  # writing counts: a full pipe blocks the write
        future = self.submit(request)
        return self._result(future, deadline, timeout)

    def decide_many(
        self,
        requests: Iterable[Request],
        timeout: Optional[float] = None,
        return_exceptions: bool = False,
    ) -> List[Any]:
        """Decide many requests pipelined (written at once, answered in order); the decisions
        in the order given. ``timeout`` is for the whole batch. With ``return_exceptions`` an
        error answer (or a timeout) takes its request's place in the list instead of raising."""
        deadline = self._deadline(timeout)  # writing counts: a full pipe blocks the write
        futures = self.submit_many(requests)
        results: List[Any] = []
        for future in futures:
            try:
                results.append(self._result(future, deadline, timeout))
            except ArbiterError as error:
                if not return_exceptions:
                    for rest in futures:
                        rest.cancel()
                    raise
                results.append(error)
        return results

    def decide_stream(
        self,
        requests: Iterable[Request],
        window: int = 1024,
        timeout: Optional[float] = None,
        return_exceptions: bool = False,
    ) -> Iterator[Any]:
        """Decide an iterable of any length with at most ``window`` requests in flight;
        yields decisions in input order. ``timeout`` is per answer."""
        if window < 1:
            raise ValueError("window must be at least 1")
        chunk = max(1, window // 2)
        in_flight: Deque[Future] = collections.deque()
        batch: List[Request] = []

        def take() -> Any:
            future = in_flight.popleft()
            try:
                return self._result(future, self._deadline(timeout), timeout)
            except ArbiterError as error:
                if not return_exceptions:
                    for rest in in_flight:
                        rest.cancel()
                    raise
                return error

        for request in requests:
            batch.append(request)
            if len(batch) >= chunk:
                in_flight.extend(self.submit_many(batch))
                batch = []
                while len(in_flight) > window - chunk:
                    yield take()
        in_flight.extend(self.submit_many(batch))
        while in_flight:
            yield take()

    def ping(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """``{"op":"ping"}``: the pong, naming the policy (and every version of a set)."""
        return self.decide({"op": "ping"}, timeout=timeout)

    # -- internals ------------------------------------------------------------------------

    def _deadline(self, timeout: Optional[float]) -> Optional[float]:
        timeout = self.timeout if timeout is None else timeout
        return None if timeout is None else time.monotonic() + timeout

    def _result(self, future: Future, deadline: Optional[float], timeout: Optional[float]) -> Any:
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            return future.result(remaining)
        except FutureTimeout:
            future.cancel()  # its answer, if it comes, is dropped; it is not sent again
            stalled = self._kill_if_stalled(self.timeout if timeout is None else timeout)
            raise ArbiterTimeout(
                "no answer from arbiter serve in time"
                + ("; serve answered nothing meanwhile, so it was killed and is restarted" if stalled else "")
            ) from None

    def _kill_if_stalled(self, timeout: Optional[float]) -> bool:
        """After a timeout: when serve has answered nothing for the whole timeout while
        requests were outstanding and is not working either, it is stuck; kill it (its reader
        then starts a new process and sends the unanswered requests again). A serve that is
        merely busy — deciding one long request, or answering slower than the caller hoped —
        is left alone: a caller's short timeout must not kill it, nor blame its request."""
        if not self._restart or timeout is None:
            return False
        with self._state:
            process = self._process
            if process is None or not self._pending:
                return False
            oldest = max(self._last_answer_at, self._pending[0].sent_at)
            stalled_for = time.monotonic() - oldest
            if stalled_for < timeout - 0.01:
                return False
            answers = process.answers
        if _is_working(process, answers):
            return False
        log.warning("arbiter serve (pid %s) answered nothing for %.2f s and is not working: killing it",
                    self.pid, stalled_for + _PROGRESS_WINDOW)
        process.kill()
        return True

    def _spawn(self) -> _Process:
        """A new process (or the given pipes) with its reader; called with both locks held."""
        self._generation += 1
        if self._attached:
            if self._generation > 1:
                raise ArbiterUnavailable("the attached serve closed its output")
            process = _Process(self._generation, self._pipes[0], self._pipes[1], None)
        else:
            try:
                popen = subprocess.Popen(
                    self.command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=self._env,
                    cwd=self._cwd,
                )
            except OSError as error:
                self._failure = ArbiterUnavailable(f"cannot run {self.command[0]!r}: {error.strerror or error}")
                raise self._failure from error
            process = _Process(self._generation, popen.stdin, popen.stdout, popen)
            drain = threading.Thread(
                target=_drain_stderr, args=(popen.stderr, process), name="arbiter-stderr", daemon=True
            )
            process.threads.append(drain)
            drain.start()
        reader = threading.Thread(target=self._read_answers, args=(process,), name="arbiter-reader", daemon=True)
        process.threads.insert(0, reader)
        writer = threading.Thread(target=_write_loop, args=(process,), name="arbiter-writer", daemon=True)
        process.threads.append(writer)
        self._process = process
        self._last_answer_at = time.monotonic()
        reader.start()
        writer.start()
        return process

    def _read_answers(self, process: _Process) -> None:
        """The reader thread: each complete answer line to the oldest outstanding request."""
        try:
            for raw in process.reader:
                if isinstance(raw, str):
                    raw = raw.encode("utf-8")
                if not raw.endswith(b"\n"):
                    break  # torn by the process's death: that request is sent again
                if not raw.strip():
                    continue
                with self._state:
                    if process is not self._process:
                        return  # replaced: its requests went to the new process
                    entry = self._pending.popleft() if self._pending else None
                    process.answers += 1
                    self._fruitless = 0
                    self._last_answer_at = time.monotonic()
                if entry is None:
                    log.error("arbiter serve answered a line nobody asked: %r", raw[:200])
                    continue
                if not self._resolve(entry, raw):
                    break  # out of step with the queue: start again from a clean pipe
        except (OSError, ValueError):
            pass
        self._lost(process)

    def _resolve(self, entry: _Pending, raw: bytes) -> bool:
        """Gives the answer to its Future; False when it cannot be this request's answer."""
        try:
            answer = json.loads(raw)
        except ValueError:
            _fail(entry, ProtocolError(f"arbiter serve wrote a line that is not JSON: {raw[:200]!r}"))
            return False
        if not isinstance(answer, dict):
            _fail(entry, ProtocolError(f"arbiter serve wrote a line that is not an object: {raw[:200]!r}"))
            return False
        answered_id = answer.get("id")
        if entry.request_id is not None and answered_id is not None and answered_id != entry.request_id:
            _fail(entry, ProtocolError(f"answer for {answered_id!r} arrived for request {entry.request_id!r}"))
            return False
        if "error" in answer:
            _fail(entry, error_for_answer(answer))
        else:
            _succeed(entry, answer)
        return True

    def _lost(self, process: _Process) -> None:
        """serve's stdout closed: restart it and send the unanswered requests again, or fail them."""
        process.kill()
        process.outbox.put(None)  # its writer ends (a write to the dead process fails anyway)
        returncode = None
        if process.popen is not None:
            try:
                returncode = process.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                returncode = None
            for thread in process.threads[1:]:  # the stderr drain (serve's last words), the writer
                thread.join(2.0)
            for stream in (process.popen.stdout, process.popen.stderr):  # the dead process's pipes
                try:
                    stream.close()
                except (OSError, ValueError):
                    pass
        stderr = process.stderr_text()
        replacement: Optional[_Process] = None
        resend: List[_Pending] = []
        fatal: Optional[ArbiterError] = None
        failed: List[_Pending] = []
        with self._send:
            with self._state:
                if process is not self._process or self._closed:
                    return
                self._process = None
                self._pending = collections.deque(e for e in self._pending if not e.future.cancelled())
                if process.answers == 0:
                    self._fruitless += 1
                if not self._restart:
                    fatal = ArbiterUnavailable("arbiter serve closed its output", returncode, stderr)
                elif returncode == 2 and process.answers == 0:
                    fatal = ArbiterUnavailable(
                        "arbiter serve refused to start (exit 2: unusable policy or arguments): "
                        + " ".join(self.command),
                        returncode,
                        stderr,
                    )
                if fatal is not None:
                    self._failure = fatal
                    failed = list(self._pending)
                    self._pending.clear()
                else:
                    if self._fruitless >= self._max_fruitless and self._pending:
                        # Died that many times in a row before answering anything: the oldest
                        # outstanding request is the likely cause; let the others go on.
                        failed.append(self._pending.popleft())
                        self._fruitless = 0
                    if self._pending:
                        self.restarts += 1
                        log.warning(
                            "arbiter serve died (status %s); restarting it with %d unanswered requests%s",
                            returncode,
                            len(self._pending),
                            (": " + stderr.strip().splitlines()[-1]) if stderr.strip() else "",
                        )
                        try:
                            replacement = self._spawn()
                        except ArbiterUnavailable as error:
                            failed.extend(self._pending)
                            self._pending.clear()
                            fatal = error
                        resend = list(self._pending)
                        for entry in resend:
                            entry.attempts += 1
            if replacement is not None and resend:
                _write(replacement, b"".join(entry.line for entry in resend))
        reason = fatal or ArbiterUnavailable(
            f"arbiter serve died {self._max_fruitless} times in a row with this request outstanding",
            returncode,
            stderr,
        )
        for entry in failed:
            _fail(entry, reason)


def _encode(request: Request):
    """The request as one line of bytes, and its id (to check the answer against)."""
    request_id = None
    if isinstance(request, dict):
        try:
            # Money may be given as Decimal (written as its exact text); NaN and Infinity are
            # no JSON, so they are refused here rather than answered invalid_json by serve.
            text = json.dumps(request, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_default)
            line = text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError("a request holds a lone UTF-16 surrogate, which is no character: "
                             "serve would refuse it (invalid_json)") from error
        candidate = request.get("id")
        request_id = candidate if isinstance(candidate, str) else None
    elif isinstance(request, str):
        line = request.encode("utf-8")
    elif isinstance(request, (bytes, bytearray)):
        line = bytes(request)
    else:
        raise TypeError(f"a request is a dict or one line of JSON text, not {type(request).__name__}")
    line = line.rstrip(b"\r\n")
    if b"\n" in line:
        raise ValueError("a request must be one line: it holds a newline")
    if not line.strip(b" \t"):
        raise ValueError("a request of nothing but spaces and tabs gets no answer from serve (it is read as a blank line)")
    return line + b"\n", request_id


def _json_default(value: Any) -> Any:
    """Decimal money as the JSON string the protocol wants ("12.30"): exact, never a float."""
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"a request holds {value}, which is no amount")
        return format(value, "f")  # positional: Decimal("1E+3") is "1000", not "1E+3"
    raise TypeError(f"a request holds a {type(value).__name__}, which has no JSON form")


def _write(process: _Process, data: bytes) -> None:
    """Queues `data` for serve, in order; its writer thread writes it."""
    process.outbox.put(data)


def _write_loop(process: _Process) -> None:
    """The writer thread: the queued bytes to serve's input, in order, until None (then its input
    is closed) or a failed write (a dead process is noticed by its reader, which sends the
    unanswered requests again to a new one)."""
    try:
        while True:
            data = process.outbox.get()
            if data is None:
                break
            process.writer.write(data)
            process.writer.flush()
    except (OSError, ValueError):
        pass
    try:
        process.writer.close()
    except (OSError, ValueError):
        pass


_PROGRESS_WINDOW = 0.2  # seconds a timed-out caller watches serve before calling it stuck


def _cpu_ticks(pid: int) -> Optional[int]:
    """CPU time serve's threads have used (clock ticks, from /proc), or None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat(5)
    except (OSError, IndexError, ValueError):
        return None


def _is_working(process: _Process, answers: int) -> bool:
    """Whether serve answered or used the CPU within a short window: busy, not stuck. A
    stopped or deadlocked process does neither; one deciding a long request uses the CPU."""
    if process.popen is None:
        return True  # attached pipes: never killed anyway
    before = _cpu_ticks(process.popen.pid)
    deadline = time.monotonic() + _PROGRESS_WINDOW
    while time.monotonic() < deadline:
        if process.answers != answers:
            return True
        time.sleep(0.02)
    after = _cpu_ticks(process.popen.pid)
    return process.answers != answers or (before is not None and after is not None and after > before)


def _drain_stderr(stream, process: _Process) -> None:
    try:
        for raw in stream:
            process.stderr.append(raw.decode("utf-8", "replace"))
    except (OSError, ValueError):
        pass


def _succeed(entry: _Pending, value: Any) -> None:
    if entry.future.set_running_or_notify_cancel():
        entry.future.set_result(value)


def _fail(entry: _Pending, error: BaseException) -> None:
    if entry.future.set_running_or_notify_cancel():
        entry.future.set_exception(error)
