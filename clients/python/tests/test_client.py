"""arbiter_client against the real binary: $ARBITER_BINARY (default .build/debug/arbiter of
this repository), with the repository's policy set Rules."""

import contextlib
import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from arbiter_client import (
    Arbiter,
    ArbiterClosed,
    ArbiterTimeout,
    ArbiterUnavailable,
    InvalidJson,
    InvalidRequest,
    TooLarge,
    UnsupportedOp,
)

ROOT = Path(__file__).resolve().parents[3]
BINARY = os.environ.get("ARBITER_BINARY") or str(ROOT / ".build" / "debug" / "arbiter")
if not os.path.isabs(BINARY):
    BINARY = str(ROOT / BINARY)
RULES = ROOT / "Rules"
EXAMPLE = json.loads((ROOT / "docs" / "examples" / "spec-worked-example.json").read_text())

pytestmark = pytest.mark.skipif(
    not os.access(BINARY, os.X_OK), reason=f"no arbiter binary at {BINARY} (build it, or set ARBITER_BINARY)"
)


def request(n):
    """The SPEC's worked example under its own id."""
    r = copy.deepcopy(EXAMPLE)
    r["id"] = f"req-{n}"
    return r


@pytest.fixture(scope="module")
def expected():
    """The worked example's decision, from `arbiter decide` (the same decision serve gives)."""
    out = subprocess.run(
        [BINARY, "decide", "--rules", str(RULES), "--audit", "summary", "-"],
        input=json.dumps(EXAMPLE).encode(),
        capture_output=True,
        check=True,
    )
    return json.loads(out.stdout)


@contextlib.contextmanager
def stopped(pid):
    """serve's process stopped (SIGSTOP: stuck, neither reading nor answering), then let go."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield pid
    finally:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def client(**kwargs):
    kwargs.setdefault("audit", "summary")
    return Arbiter(binary=BINARY, rules=RULES, **kwargs)


def test_decides_a_request_as_decide_does(expected):
    with client() as a:
        assert a.policy["name"] == "cn", "start() pings and keeps the policy serve runs"
        decision = a.decide(request(1), timeout=30)
    assert decision["id"] == "req-1"
    assert decision["outcome"] == "approve"
    assert decision["refund"] == expected["refund"]
    assert decision["audit"]["engine"].startswith("arbiter ")


def test_invalid_request_raises_a_typed_error_naming_the_path():
    broken = request(2)
    broken["order"]["items"][1]["unit_price"] = "59.901"
    with client() as a:
        with pytest.raises(InvalidRequest) as caught:
            a.decide(broken, timeout=30)
        assert a.decide(request(3), timeout=30)["id"] == "req-3", "the stream goes on after an error"
    error = caught.value
    assert error.code == "invalid_request"
    assert error.path == "$.order.items[1].unit_price"
    assert error.id == "req-2"
    assert "$.order.items[1].unit_price" in str(error)


def test_each_error_code_has_its_exception():
    with client(args=["--max-line-bytes", "4096"]) as a:
        with pytest.raises(InvalidJson) as bad_json:
            a.decide('{"id": "x", "kind": ', timeout=30)
        with pytest.raises(UnsupportedOp):
            a.decide({"op": "reload"}, timeout=30)
        with pytest.raises(TooLarge):
            a.decide({"id": "big", "padding": "x" * 5000}, timeout=30)
    assert bad_json.value.code == "invalid_json" and bad_json.value.path is None


def test_pipelined_answers_come_back_to_their_requests():
    requests = [request(n) for n in range(2000)]
    requests[700]["kind"] = "exchange"  # one bad request in the middle
    with client() as a:
        answers = a.decide_many(requests, timeout=120, return_exceptions=True)
    assert len(answers) == 2000
    assert isinstance(answers[700], InvalidRequest) and answers[700].path == "$.kind"
    assert [answer["id"] for i, answer in enumerate(answers) if i != 700] == [
        f"req-{n}" for n in range(2000) if n != 700
    ]


def test_decide_stream_keeps_a_bounded_window_in_order():
    with client(audit="none") as a:
        ids = [d["id"] for d in a.decide_stream((request(n) for n in range(3000)), window=100, timeout=60)]
    assert ids == [f"req-{n}" for n in range(3000)]


def test_many_threads_share_one_client():
    results = {}
    errors = []

    def work(thread):
        try:
            for n in range(100):
                rid = f"t{thread}-{n}"
                r = request(0)
                r["id"] = rid
                results[rid] = a.decide(r, timeout=60)["id"]
        except Exception as error:  # reported below
            errors.append(error)

    with client(audit="none") as a:
        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert len(results) == 800
    assert all(rid == answered for rid, answered in results.items()), "each caller gets its own answer"


def test_killed_mid_stream_every_answer_still_arrives():
    with client(audit="none") as a:
        first_pid = a.pid
        futures = a.submit_many([request(n) for n in range(5000)])
        futures[50].result(timeout=60)  # serve is in the middle of the stream
        os.kill(first_pid, signal.SIGKILL)
        ids = [f.result(timeout=120)["id"] for f in futures]
        assert a.restarts >= 1
        assert a.pid != first_pid
        assert a.decide(request("after"), timeout=30)["id"] == "req-after"
    assert ids == [f"req-{n}" for n in range(5000)]


def test_a_serve_killed_with_everything_unanswered_is_restarted_each_time():
    with client(audit="none") as a:
        for round_ in range(3):
            pid = a.pid
            os.kill(pid, signal.SIGSTOP)  # nothing sent now can be answered by this process
            futures = a.submit_many([request(n) for n in range(20)])
            os.kill(pid, signal.SIGKILL)
            assert [f.result(timeout=60)["id"] for f in futures] == [f"req-{n}" for n in range(20)]
            assert a.restarts == round_ + 1


def test_timeout_raises_and_a_stuck_serve_is_replaced():
    with client() as a, stopped(a.pid) as stuck:
        started = time.monotonic()
        with pytest.raises(ArbiterTimeout):
            a.decide(request(1), timeout=0.5)
        assert time.monotonic() - started < 5
        # serve answered nothing for the whole timeout: it was killed, a new one answers
        assert a.decide(request(2), timeout=30)["id"] == "req-2"
        assert a.pid != stuck


def test_a_stuck_serve_cannot_hold_callers_or_close_behind_a_full_pipe():
    """Megabytes of requests to a serve that stopped reading fill the pipe: the callers' writes
    must not block them (a writer thread writes), so their timeouts work, the stuck serve is
    replaced, and close() ends within its timeout."""
    with client() as a, stopped(a.pid) as stuck:
        started = time.monotonic()
        with pytest.raises(ArbiterTimeout):
            a.decide_many([request(n) for n in range(2000)], timeout=1.0)  # ~2.5 MB, far past a pipe
        with pytest.raises(ArbiterTimeout):
            a.decide(request("other"), timeout=1.0)
        assert time.monotonic() - started < 15
        assert a.decide(request("after"), timeout=60)["id"] == "req-after"
        assert a.pid != stuck
    b = client().start()
    with stopped(b.pid):
        futures = b.submit_many([request(n) for n in range(2000)])
        started = time.monotonic()
        b.close(timeout=1.0)
        assert time.monotonic() - started < 10, "close() kills a serve that does not end in time"
        with pytest.raises(ArbiterClosed):
            futures[-1].result(timeout=10)


def test_timeout_of_a_moving_serve_leaves_it_running():
    with client(audit="summary") as a:
        pid = a.pid
        with pytest.raises(ArbiterTimeout):
            # Far more than serve answers in 10 ms, with a release build or a debug one.
            a.decide_many([request(n) for n in range(20000)], timeout=0.01)
        assert a.pid == pid, "serve was answering: a timeout alone does not kill it"
        assert a.decide(request("next"), timeout=120)["id"] == "req-next", "late answers are dropped, not misdelivered"


def heavy_request():
    """A request inside every limit that takes serve a long while at --audit full: 1,000 items,
    every one asked for, each with its own discount row to prorate."""
    r = copy.deepcopy(EXAMPLE)
    r["id"] = "heavy"
    item = r["order"]["items"][0]
    r["order"]["items"] = [dict(item, line=f"L{n}", sku=f"S{n}") for n in range(1000)]
    r["order"]["discounts"] = []
    r["lines"] = [{"line": f"L{n}", "quantity": 1} for n in range(1000)]
    return r


def test_a_busy_serve_is_not_killed_by_a_short_timeout_nor_its_request_blamed():
    """A long request keeps serve from answering anything for a while; a caller whose short
    timeout expires meanwhile must not kill it (it is using the CPU), and the long request
    gets its decision, not ArbiterUnavailable."""
    with client(audit="full") as a:
        pid = a.pid
        heavy = a.submit_many([heavy_request()] * 20)
        timeouts = 0
        for n in range(10):
            try:
                a.decide(request(f"quick-{n}"), timeout=0.01)
            except ArbiterTimeout:
                timeouts += 1
        assert timeouts > 0, "the quick requests waited behind the heavy ones"
        assert [f.result(timeout=300)["id"] for f in heavy] == ["heavy"] * 20
        assert a.pid == pid and a.restarts == 0, "a busy serve is left running"


def test_requests_that_have_no_json_form_are_refused_before_sending():
    from decimal import Decimal

    with client() as a:
        priced = request("decimal")
        priced["order"]["items"][0]["unit_price"] = Decimal(priced["order"]["items"][0]["unit_price"])
        assert a.decide(priced, timeout=30)["id"] == "req-decimal", "Decimal money is written as its exact text"
        for bad in ({"id": "nan", "x": float("nan")}, {"id": "surrogate", "x": "\ud800"}, "  \t "):
            with pytest.raises(ValueError):
                a.decide(bad, timeout=30)
        with pytest.raises(InvalidJson):
            a.decide("\f", timeout=30)  # not blank to serve: answered invalid_json (interpretation 90)


def test_an_unusable_policy_is_reported_at_start_with_serves_message(tmp_path):
    with pytest.raises(ArbiterUnavailable) as caught:
        with Arbiter(binary=BINARY, rules=tmp_path):
            pass
    assert caught.value.returncode == 2
    assert str(tmp_path) in str(caught.value), "serve's stderr says which folder"


def test_a_request_that_kills_serve_every_time_fails_alone(tmp_path):
    # A stand-in for serve (the real one has no such request): the client's restart logic.
    fake = tmp_path / "arbiter"
    fake.write_text(f"#!/bin/sh\nexec {sys.executable} {Path(__file__).with_name('crashing_serve.py')}\n")
    fake.chmod(0o755)
    with Arbiter(binary=str(fake), max_fruitless_restarts=3) as a:
        futures = a.submit_many([{"id": "a"}, {"id": "poison"}, {"id": "b"}, {"id": "c"}])
        assert futures[0].result(timeout=30)["id"] == "a"
        with pytest.raises(ArbiterUnavailable) as caught:
            futures[1].result(timeout=30)
        assert [f.result(timeout=30)["id"] for f in futures[2:]] == ["b", "c"]
        assert a.restarts == 4, "1 death after answers, 3 in a row with none: the oldest gives up"
    assert caught.value.returncode == 70


def test_a_missing_binary_is_reported():
    with pytest.raises(ArbiterUnavailable) as caught:
        with Arbiter(binary="/nonexistent/arbiter", rules=RULES):
            pass
    assert "/nonexistent/arbiter" in str(caught.value)


def test_attached_to_pipes_of_a_serve_the_caller_runs():
    proc = subprocess.Popen(
        [BINARY, "serve", "--rules", str(RULES), "--audit", "none"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        with Arbiter(stdin=proc.stdin, stdout=proc.stdout) as a:
            assert a.policy["name"] == "cn"
            assert [d["id"] for d in a.decide_many([request(n) for n in range(100)], timeout=60)] == [
                f"req-{n}" for n in range(100)
            ]
        assert proc.wait(timeout=30) == 0, "close() ends serve's input: it exits 0"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_closed_client_refuses_requests():
    a = client()
    a.start()
    pid = a.pid
    a.close()
    with pytest.raises(ArbiterClosed):
        a.decide(request(1))
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the process exited and was reaped


def test_a_request_that_is_not_one_line_is_refused_before_sending():
    with client() as a:
        with pytest.raises(ValueError):
            a.decide('{"id":\n"x"}')
        with pytest.raises(TypeError):
            a.decide(["not", "a", "request"])
        assert a.decide(request(1), timeout=30)["id"] == "req-1"


def test_the_readme_http_service_answers_decisions_and_errors():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    from http.server import ThreadingHTTPServer
    from urllib.error import HTTPError
    from urllib.request import urlopen

    import http_service

    with client() as a:
        server = ThreadingHTTPServer(("127.0.0.1", 0), http_service.make_handler(a))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/decide"
        try:
            body = json.dumps(request(1), indent=2).encode()  # pretty JSON: the service makes it one line
            with urlopen(url, data=body, timeout=30) as response:
                assert response.status == 200
                assert json.loads(response.read())["outcome"] == "approve"
            broken = request(2)
            del broken["kind"]
            with pytest.raises(HTTPError) as caught:
                urlopen(url, data=json.dumps(broken).encode(), timeout=30)
            assert caught.value.code == 422
            assert json.loads(caught.value.read())["error"]["path"] == "$.kind"
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
