"""An authenticated link: Wyoming events over the TLS streams, and the link's own events."""

from __future__ import annotations

import asyncio
import json
from types import TracebackType

from wyoming.event import Event, async_read_event, async_write_event

from .errors import LinkUnavailable

# Link-level events; the application on top never sees them.
LINK_READY = "link-ready"  # satellite -> Home Assistant: your certificate is the paired one
PAIR_REQUEST = "pair-request"  # HA -> satellite: {"nonce"}
PAIR_CHALLENGE = "pair-challenge"  # satellite -> HA: {"nonce"}
PAIR_PROOF = "pair-proof"  # HA -> satellite: {"certificate", "proof"}
PAIR_ACCEPTED = "pair-accepted"  # satellite -> HA: {"proof"}
ERROR = "error"  # wyoming's error event: {"text", "code"}

HANDSHAKE_EVENT_LIMIT = 16 * 1024
_CLOSE_TIMEOUT = 5.0
# ssl.SSLError and ConnectionError are both OSErrors.
_BROKEN = (OSError, asyncio.IncompleteReadError)


async def read_handshake_event(reader: asyncio.StreamReader) -> Event | None:
    """Read one small event from a peer that is not authenticated yet.

    wyoming's reader trusts the lengths a peer announces; before authentication a
    stranger must not make us buffer megabytes, so lengths are capped and payloads refused.
    """
    try:
        line = await reader.readline()
        if not line:
            return None
        header = json.loads(line)
        data_length = header.get("data_length") or 0
        if not isinstance(data_length, int) or not 0 <= data_length <= HANDSHAKE_EVENT_LIMIT:
            return None
        if header.get("payload_length"):
            return None
        data = header.get("data") or {}
        if data_length:
            data.update(json.loads(await reader.readexactly(data_length)))
        event_type = header["type"]
    except (ValueError, KeyError, TypeError, AttributeError, *_BROKEN):
        return None
    if not isinstance(event_type, str) or not isinstance(data, dict):
        return None
    return Event(type=event_type, data=data)


async def write_event(writer: asyncio.StreamWriter, event: Event) -> None:
    try:
        await async_write_event(event, writer)
    except _BROKEN as err:
        raise LinkUnavailable(f"the link broke: {err}") from err


async def close_writer(writer: asyncio.StreamWriter) -> None:
    """Close politely (TLS close_notify), or abort if the peer does not answer."""
    writer.close()
    try:
        async with asyncio.timeout(_CLOSE_TIMEOUT):
            await writer.wait_closed()
    except (TimeoutError, *_BROKEN):
        writer.transport.abort()


class LinkConnection:
    """One authenticated connection, on either end."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer_fingerprint: str
    ) -> None:
        self._reader = reader
        self._writer = writer
        self.peer_fingerprint = peer_fingerprint

    async def read_event(self) -> Event | None:
        """The next event, or None once the link is closed or broken."""
        try:
            return await async_read_event(self._reader)
        except _BROKEN:
            return None

    async def write_event(self, event: Event) -> None:
        """Send one event; LinkUnavailable if the link is closed or broken."""
        if self._writer.is_closing():
            raise LinkUnavailable("the link is closed")
        await write_event(self._writer, event)

    async def close(self) -> None:
        await close_writer(self._writer)

    async def __aenter__(self) -> LinkConnection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
