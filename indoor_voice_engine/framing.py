"""Reading Wyoming events with every length, depth and wait bounded.

The `wyoming` library's reader trusts the lengths a peer announces and waits for as long as
the peer likes; a server that faces more than one client must do neither.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from wyoming.event import Event

from .limits import Limits
from .requests import BadRequest


@dataclass
class Progress:
    """Where a connection's reader is: waiting for a frame, inside one, or done reading."""

    phase: str = "working"  # "waiting" (between frames), "frame" (inside one) or "working"
    since: float = field(default_factory=time.monotonic)
    frames: int = 0  # frames begun

    def enter(self, phase: str) -> None:
        self.phase = phase
        self.since = time.monotonic()
        self.frames += phase == "frame"


def _length(header: dict[str, Any], key: str, limit: int) -> int:
    value = header.get(key)
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadRequest("bad-frame", f"{key} must be a non-negative integer")
    if value > limit:
        raise BadRequest("too-large", f"{key} {value} exceeds the limit of {limit} bytes")
    return value


_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_AS_SQUARE = bytes.maketrans(b"{}", b"[]")  # in valid JSON every pair matches anyway


def _deeper_than(raw: bytes, limit: int) -> bool:
    """True if the arrays and objects of this valid JSON nest more than `limit` levels.

    Works on the text at C speed: strings removed, then one level of empty pairs per pass
    (only valid JSON, whose strings all end, keeps the string regex linear).
    """
    brackets = _STRINGS.sub(b"", raw).translate(_AS_SQUARE, _NOT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return False
        brackets = brackets.replace(b"[]", b"")
    return bool(brackets)


def _json_object(raw: bytes, what: str, limits: Limits) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode())  # UTF-8 only, as Wyoming says
    except RecursionError as err:
        raise BadRequest("too-deep", f"{what} nests too deeply") from err
    except (UnicodeDecodeError, ValueError) as err:
        raise BadRequest("bad-frame", f"{what} is not valid JSON") from err
    if not isinstance(value, dict):
        raise BadRequest("bad-frame", f"{what} must be a JSON object")
    # Only a text with that many brackets can nest that deep: skip the check for the rest.
    if raw.count(b"[") + raw.count(b"{") > limits.max_nesting and _deeper_than(
        raw, limits.max_nesting
    ):
        raise BadRequest("too-deep", f"{what} nests deeper than {limits.max_nesting} levels")
    return value


async def _within(seconds: float, what: str, reading: Any) -> Any:
    try:
        async with asyncio.timeout(seconds):
            return await reading
    except TimeoutError:
        raise BadRequest("too-slow", f"{what} did not arrive within {seconds:.0f} s") from None


async def read_event(
    reader: asyncio.StreamReader,
    limits: Limits,
    idle_timeout: float | None = None,
    progress: Progress | None = None,
) -> Event | None:
    """Read one event; None when the peer closed the connection between events.

    Waits up to `idle_timeout` (default: the limits') for a frame to begin, TimeoutError
    after that; from its first byte, the frame must arrive at the pace `limits` asks for,
    or BadRequest("too-slow").
    The reader must have been created with `limit=limits.max_header_bytes`.
    """
    progress = progress or Progress()
    progress.enter("waiting")
    async with asyncio.timeout(idle_timeout or limits.idle_timeout):
        first = await reader.read(1)
    if not first:
        return None
    progress.enter("frame")
    try:
        line = first
        if first != b"\n":
            line += await _within(
                limits.header_timeout, "the event header", reader.readuntil(b"\n")
            )
    except asyncio.IncompleteReadError as err:
        if not (first + err.partial).strip():
            return None
        raise BadRequest("bad-frame", "connection closed inside an event header") from err
    except asyncio.LimitOverrunError as err:
        raise BadRequest(
            "too-large", f"event header exceeds the limit of {limits.max_header_bytes} bytes"
        ) from err

    header = _json_object(line, "event header", limits)
    event_type = header.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise BadRequest("bad-frame", "event header has no type")

    data_length = _length(header, "data_length", limits.max_data_bytes)
    payload_length = _length(header, "payload_length", limits.max_payload_bytes)
    data = header.get("data") or {}
    if not isinstance(data, dict):
        raise BadRequest("bad-frame", "event data must be a JSON object")

    body_seconds = (
        limits.header_timeout + (data_length + payload_length) / limits.min_bytes_per_second
    )
    try:
        async with asyncio.timeout(body_seconds):
            raw_data = await reader.readexactly(data_length) if data_length else b""
            payload = await reader.readexactly(payload_length) if payload_length else None
    except asyncio.IncompleteReadError as err:
        raise BadRequest("bad-frame", "connection closed inside an event") from err
    except TimeoutError:
        raise BadRequest(
            "too-slow", f"the event body did not arrive within {body_seconds:.0f} s"
        ) from None
    if raw_data:
        data.update(_json_object(raw_data, "event data", limits))
    progress.enter("working")
    return Event(type=event_type, data=data, payload=payload)
