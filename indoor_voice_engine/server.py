"""The engine's Wyoming server: a capped TCP server giving each client its own handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

from wyoming.error import Error
from wyoming.event import async_write_event

from indoor_voice_net.server import CappedServer

from .engine import Engine
from .handler import ConnectionHandler

_LOGGER = logging.getLogger(__name__)


class _Client:
    """A connection's claim on a slot: it gives way unless it is in the middle of a request.

    A request is under way while the engine works on an event, and from the start of an
    audio stream or synthesis to its end, unless the client has then been silent for
    `stalled_after` seconds, and while a new event waits unread. A new connection keeps its
    slot for `newcomer_grace` seconds before its first byte; after that, one that has not
    asked for anything (or sent only part of a frame) gives way, the oldest first.
    """

    def __init__(self, source: str, handler: ConnectionHandler, writer: asyncio.StreamWriter):
        self.source = source
        self.handler = handler
        self._writer = writer
        self._stalled_after = handler.limits.stalled_after
        self._grace = handler.limits.newcomer_grace

    def quiet_for(self, now: float) -> float:
        return now - self.handler.progress.since

    def evictable(self, now: float) -> bool:
        progress = self.handler.progress
        quiet = self.quiet_for(now)
        if progress.phase == "working":
            return False
        if progress.phase == "waiting" and (
            self.handler.has_unread_input or (not progress.frames and quiet < self._grace)
        ):
            return False
        return not self.handler.in_request or quiet > self._stalled_after

    def evict(self) -> None:
        _LOGGER.debug("Evicting an idle connection to make room")
        self._writer.transport.abort()


class EngineServer(CappedServer[_Client]):
    """Serves one loaded engine over Wyoming/TCP."""

    def __init__(self, engine: Engine) -> None:
        limits = engine.limits
        super().__init__(
            _LOGGER,
            "a client",
            total=limits.max_connections,
            per_source=limits.max_connections_per_source,
            admission_wait=limits.admission_wait,
        )
        self._engine = engine

    async def start(self, host: str, port: int, **options: object) -> None:
        await super().start(
            host,
            port,
            limit=self._engine.limits.max_header_bytes,
            family=socket.AF_INET6 if ":" in host else socket.AF_INET,
            **options,
        )
        _LOGGER.info("Serving Wyoming on tcp://%s:%d", host, self.port)

    def occupant(
        self, source: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> _Client:
        handler = ConnectionHandler(self._engine, reader, writer, self.refusals, source)
        return _Client(source, handler, writer)

    async def serve(
        self, occupant: _Client, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await occupant.handler.run()

    async def refuse_busy(self, occupant: _Client, writer: asyncio.StreamWriter) -> None:
        self.refusals.refused(occupant.source, "busy")
        with contextlib.suppress(Exception):
            busy = Error(text="the engine is serving too many clients", code="busy")
            await asyncio.wait_for(async_write_event(busy.event(), writer), 5)
        writer.close()

    async def stop(self) -> None:
        await self.close()
        self.refusals.close()
