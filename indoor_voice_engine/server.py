"""The TCP server: accepts clients up to a limit and gives each its own handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from urllib.parse import urlparse

from wyoming.error import Error
from wyoming.event import async_write_event

from indoor_voice_link.local_network import is_local_address
from indoor_voice_link.refusals import RefusalLog
from indoor_voice_link.slots import Slots

from .engine import Engine
from .handler import ConnectionHandler

_LOGGER = logging.getLogger(__name__)


def parse_uri(uri: str) -> tuple[str, int]:
    """Host and port of a tcp:// URI."""
    parsed = urlparse(uri)
    if parsed.scheme != "tcp" or not parsed.hostname or parsed.port is None:
        raise ValueError(f"--uri must look like tcp://HOST:PORT, not {uri!r}")
    return parsed.hostname, parsed.port


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
        self._handler = handler
        self._writer = writer
        self._stalled_after = handler.limits.stalled_after
        self._grace = handler.limits.newcomer_grace

    def quiet_for(self, now: float) -> float:
        return now - self._handler.progress.since

    def evictable(self, now: float) -> bool:
        progress = self._handler.progress
        quiet = self.quiet_for(now)
        if progress.phase == "working":
            return False
        if progress.phase == "waiting" and (
            self._handler.has_unread_input or (not progress.frames and quiet < self._grace)
        ):
            return False
        return not self._handler.in_request or quiet > self._stalled_after

    def evict(self) -> None:
        _LOGGER.debug("Evicting an idle connection to make room")
        self._writer.transport.abort()


class EngineServer:
    """Serves one loaded engine over Wyoming/TCP."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        limits = engine.limits
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots: Slots[_Client] = Slots(
            limits.max_connections, limits.max_connections_per_source
        )
        self._refusals = RefusalLog(_LOGGER, "a client")
        self._waiting = 0  # newcomers waiting for a slot

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(
            self._accept,
            host,
            port,
            limit=self._engine.limits.max_header_bytes,
            family=socket.AF_INET6 if ":" in host else socket.AF_INET,
        )
        _LOGGER.info("Serving Wyoming on tcp://%s:%d", host, self.port)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        source = str(peer[0]) if peer else "unknown"
        if not is_local_address(source):
            self._refusals.refused(source, "outside the local network")
            writer.transport.abort()
            return
        handler = ConnectionHandler(self._engine, reader, writer, self._refusals, source)
        client = _Client(source, handler, writer)
        if not await self._admit(client):
            self._refusals.refused(source, "busy")
            with contextlib.suppress(Exception):
                busy = Error(text="the engine is serving too many clients", code="busy")
                await asyncio.wait_for(async_write_event(busy.event(), writer), 5)
            writer.close()
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await handler.run()
        finally:
            self._slots.release(client)
            self._tasks.discard(task)  # type: ignore[arg-type]

    async def _admit(self, client: _Client) -> bool:
        """A slot for the newcomer, waiting a little for one to free up (graces expire)."""
        limits = self._engine.limits
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limits.admission_wait
        while not self._slots.admit(client):
            if loop.time() >= deadline or self._waiting >= limits.max_connections:
                return False
            self._waiting += 1
            try:
                await asyncio.sleep(0.1)
            finally:
                self._waiting -= 1
        return True

    async def serve_forever(self) -> None:
        assert self._server is not None
        async with self._server:
            await self._server.serve_forever()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._refusals.close()
