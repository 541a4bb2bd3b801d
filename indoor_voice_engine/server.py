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

from .engine import Engine
from .handler import ConnectionHandler

_LOGGER = logging.getLogger(__name__)


def parse_uri(uri: str) -> tuple[str, int]:
    """Host and port of a tcp:// URI."""
    parsed = urlparse(uri)
    if parsed.scheme != "tcp" or not parsed.hostname or parsed.port is None:
        raise ValueError(f"--uri must look like tcp://HOST:PORT, not {uri!r}")
    return parsed.hostname, parsed.port


class EngineServer:
    """Serves one loaded engine over Wyoming/TCP."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

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
        if peer and not is_local_address(str(peer[0])):
            _LOGGER.warning("Refusing a client from outside the local network")
            writer.close()
            return
        if len(self._tasks) >= self._engine.limits.max_connections:
            _LOGGER.warning("Refusing a client: %d connections already", len(self._tasks))
            with contextlib.suppress(Exception):
                busy = Error(text="the engine is serving too many clients", code="busy")
                await asyncio.wait_for(async_write_event(busy.event(), writer), 5)
            writer.close()
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await ConnectionHandler(self._engine, reader, writer).run()
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]

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
