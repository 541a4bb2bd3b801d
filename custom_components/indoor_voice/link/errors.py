"""What can go wrong on the link, as exceptions the Home Assistant side can act on."""

from __future__ import annotations

from enum import Enum


class LinkError(Exception):
    """Base class of every link failure."""


class LinkUnavailable(LinkError):
    """The satellite cannot be reached, or the connection broke. Retry later."""


class FingerprintMismatch(LinkError):
    """The peer's certificate is not the one pinned or advertised. Nothing was sent to it."""

    def __init__(self, expected: str, received: str) -> None:
        super().__init__(
            f"the satellite presented certificate {received[:16]}…, not the paired "
            f"{expected[:16]}…; it may have been reinstalled, or something else answers "
            "at its address: pair it again"
        )
        self.expected = expected
        self.received = received


class NotPaired(LinkError):
    """The satellite refused this Home Assistant's key: it was paired again, or never paired."""


class RejectReason(Enum):
    """Why pairing failed; the value is the `error` code on the wire."""

    WRONG_CODE = "wrong-code"
    RATE_LIMITED = "rate-limited"
    ALREADY_PAIRED = "already-paired"
    BUSY = "busy"
    INVALID_CODE_FORMAT = "invalid-code-format"
    PROTOCOL = "protocol"
    SATELLITE_UNVERIFIED = "satellite-unverified"


class PairingRejected(LinkError):
    """Pairing did not happen; `reason` says why and `retry_after` when to try again."""

    def __init__(self, reason: RejectReason, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after
