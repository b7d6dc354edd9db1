"""Python client of ``arbiter serve`` (JSON Lines over stdin/stdout).

    from arbiter_client import Arbiter, InvalidRequest

    with Arbiter(binary="arbiter", rules="Rules", audit="summary") as arbiter:
        decision = arbiter.decide(request, timeout=2.0)

Standard library only. See README.md beside this package.
"""

from .client import Arbiter
from .errors import (
    ArbiterClosed,
    ArbiterError,
    ArbiterTimeout,
    ArbiterUnavailable,
    ErrorAnswer,
    InternalError,
    InvalidJson,
    InvalidRequest,
    ProtocolError,
    TooLarge,
    UnsupportedOp,
)

__version__ = "0.1.0"

__all__ = [
    "Arbiter",
    "ArbiterClosed",
    "ArbiterError",
    "ArbiterTimeout",
    "ArbiterUnavailable",
    "ErrorAnswer",
    "InternalError",
    "InvalidJson",
    "InvalidRequest",
    "ProtocolError",
    "TooLarge",
    "UnsupportedOp",
]
