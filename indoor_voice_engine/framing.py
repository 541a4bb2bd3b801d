"""Reading Wyoming events with every length bounded before anything is allocated.

The `wyoming` library's reader trusts the lengths a peer announces; a server that faces
more than one client must not.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from wyoming.event import Event

from .limits import Limits


class FrameError(Exception):
    """The byte stream is not a valid Wyoming event; the connection cannot continue."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def _length(header: dict[str, Any], key: str, limit: int) -> int:
    value = header.get(key)
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FrameError("bad-frame", f"{key} must be a non-negative integer")
    if value > limit:
        raise FrameError("too-large", f"{key} {value} exceeds the limit of {limit} bytes")
    return value


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as err:
        raise FrameError("bad-frame", f"{what} is not valid JSON") from err
    if not isinstance(value, dict):
        raise FrameError("bad-frame", f"{what} must be a JSON object")
    return value


async def read_event(reader: asyncio.StreamReader, limits: Limits) -> Event | None:
    """Read one event; None when the peer closed the connection between events.

    The reader must have been created with `limit=limits.max_header_bytes`.
    """
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as err:
        if not err.partial.strip():
            return None
        raise FrameError("bad-frame", "connection closed inside an event header") from err
    except asyncio.LimitOverrunError as err:
        raise FrameError(
            "too-large", f"event header exceeds the limit of {limits.max_header_bytes} bytes"
        ) from err

    header = _json_object(line, "event header")
    event_type = header.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise FrameError("bad-frame", "event header has no type")

    data_length = _length(header, "data_length", limits.max_data_bytes)
    payload_length = _length(header, "payload_length", limits.max_payload_bytes)
    data = header.get("data") or {}
    if not isinstance(data, dict):
        raise FrameError("bad-frame", "event data must be a JSON object")

    try:
        if data_length:
            data.update(_json_object(await reader.readexactly(data_length), "event data"))
        payload = await reader.readexactly(payload_length) if payload_length else None
    except asyncio.IncompleteReadError as err:
        raise FrameError("bad-frame", "connection closed inside an event") from err

    return Event(type=event_type, data=data, payload=payload)
