"""Exceptions raised by :class:`arbiter_client.Arbiter`.

Two families:

- :class:`ErrorAnswer` and its subclasses: ``arbiter serve`` answered the request with an
  error object (SPEC section 3). The request was read and judged; sending it again gives the
  same answer. One subclass per error code: :class:`InvalidJson`, :class:`InvalidRequest`,
  :class:`TooLarge`, :class:`UnsupportedOp`, :class:`InternalError`.
- Everything else is about the conversation, not the request: :class:`ArbiterTimeout`,
  :class:`ArbiterUnavailable` (the process cannot be started or keeps dying),
  :class:`ArbiterClosed`, :class:`ProtocolError`.
"""

from typing import Any, Dict, Optional


class ArbiterError(Exception):
    """Base class of every exception this package raises."""


class ErrorAnswer(ArbiterError):
    """``serve`` answered with ``{"id": …, "error": {"code", "message", "path", "line"}}``.

    Attributes:
        code: the SPEC error code (``invalid_request``, ``invalid_json``, …).
        message: serve's message for a person.
        path: where in the request the problem is (``$.order.items[2].unit_price``), or None.
        line: the input line number within the serve process that answered (after a
            restart it counts from the new process's first line; useful in serve's logs only).
        id: the request id serve could read, or None.
        answer: the whole error answer as a dict.
    """

    code = "error"

    def __init__(self, answer: Dict[str, Any]):
        error = answer.get("error") or {}
        self.answer = answer
        self.code = str(error.get("code", self.code))
        self.message = str(error.get("message", ""))
        self.path: Optional[str] = error.get("path")
        self.line: Optional[int] = error.get("line")
        self.id = answer.get("id")
        where = f" at {self.path}" if self.path else ""
        who = f" (request {self.id!r})" if self.id is not None else ""
        super().__init__(f"{self.code}{where}: {self.message}{who}")


class InvalidJson(ErrorAnswer):
    """The line sent was not one JSON object (``invalid_json``)."""

    code = "invalid_json"


class InvalidRequest(ErrorAnswer):
    """The request broke SPEC section 4 or 8 (``invalid_request``); ``path`` names where."""

    code = "invalid_request"


class TooLarge(ErrorAnswer):
    """The line was longer than serve's ``--max-line-bytes`` (``too_large``)."""

    code = "too_large"


class UnsupportedOp(ErrorAnswer):
    """An ``op`` serve does not know (``unsupported_op``)."""

    code = "unsupported_op"


class InternalError(ErrorAnswer):
    """A bug in arbiter (``internal``); serve survived it, the request was not decided."""

    code = "internal"


ERRORS_BY_CODE = {
    cls.code: cls for cls in (InvalidJson, InvalidRequest, TooLarge, UnsupportedOp, InternalError)
}


def error_for_answer(answer: Dict[str, Any]) -> ErrorAnswer:
    """The exception for an error answer: its code's subclass, or ErrorAnswer for a new code."""
    error = answer.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return ERRORS_BY_CODE.get(code, ErrorAnswer)(answer)


class ArbiterTimeout(ArbiterError, TimeoutError):
    """No answer came within the timeout. The request may still be decided; its answer is
    dropped. If serve answered nothing at all for that long, the process is killed and
    restarted (the other outstanding requests are sent again)."""


class ArbiterUnavailable(ArbiterError):
    """``arbiter serve`` could not be started, refused to start (exit 2: an unusable policy
    or argument), or died repeatedly with this request outstanding.

    Attributes:
        returncode: the last exit status seen (negative: killed by that signal), or None.
        stderr: the last lines serve wrote on its standard error.
    """

    def __init__(self, message: str, returncode: Optional[int] = None, stderr: str = ""):
        self.returncode = returncode
        self.stderr = stderr
        text = message
        if stderr.strip():
            text += "\n" + stderr.rstrip()
        super().__init__(text)


class ArbiterClosed(ArbiterError):
    """The client was closed before this request was answered, or is used after close()."""


class ProtocolError(ArbiterError):
    """serve wrote something that is not an answer to this request (not JSON, or another
    request's id). The process is restarted and the requests after this one are sent again."""
