"""A TCP link on 127.0.0.1 that can drop like a house's Wi-Fi: for an outage nothing gets
through (open connections stall, new ones hang unanswered), and when it comes back every
connection that lived through it is reset. It can also be slow: what the far side sends back
arrives `answer_lag` seconds late, as from an engine busy with another room. Used between Home
Assistant and a satellite or an engine."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

_CHUNK = 65_536


@dataclass(eq=False)
class _Connection:
    client: asyncio.StreamWriter
    server: asyncio.StreamWriter | None = None
    pumps: list[asyncio.Task[None]] = field(default_factory=list)


class FlakyLink:
    """Forwards 127.0.0.1:`port` to `target`; `outage(seconds)` drops the link for a while;
    what the target sends arrives `answer_lag` seconds after it was sent."""

    def __init__(self, target_host: str, target_port: int, answer_lag: float = 0.0) -> None:
        self._target = (target_host, target_port)
        self._answer_lag = answer_lag
        self._up = asyncio.Event()
        self._up.set()
        self._connections: set[_Connection] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accepted, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def outage(self, seconds: float) -> None:
        """Nothing gets through for `seconds`; then every connection open meanwhile is reset
        (its peers get ECONNRESET), and the link carries new connections again."""
        self._up.clear()
        await asyncio.sleep(seconds)
        for connection in list(self._connections):
            self._drop(connection)
        self._up.set()

    async def close(self) -> None:
        for connection in list(self._connections):
            self._drop(connection)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = _Connection(writer)
        self._connections.add(connection)
        try:
            await self._up.wait()  # a new connection during an outage hangs, unanswered
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            self._drop(connection)
            return
        connection.server = up_writer
        connection.pumps = [
            asyncio.create_task(self._pump(reader, up_writer, connection)),
            asyncio.create_task(self._pump(up_reader, writer, connection, self._answer_lag)),
        ]

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        connection: _Connection,
        lag: float = 0.0,
    ) -> None:
        late = _LateReader(reader, lag) if lag else None
        try:
            with contextlib.suppress(OSError):
                while data := await (late.read() if late else reader.read(_CHUNK)):
                    if self._up.is_set():  # during an outage, what is sent is lost
                        writer.write(data)
                        await writer.drain()
        finally:
            if late is not None:
                late.close()
        if self._up.is_set():  # one side hung up: so does the link, politely (FIN)
            self._close(connection)

    def _close(self, connection: _Connection) -> None:
        self._connections.discard(connection)
        for task in connection.pumps:
            if task is not asyncio.current_task():
                task.cancel()
        for writer in (connection.client, connection.server):
            if writer is not None:
                writer.close()

    def _drop(self, connection: _Connection) -> None:
        """Reset both sides (RST, not a polite FIN)."""
        self._connections.discard(connection)
        for task in connection.pumps:
            if task is not asyncio.current_task():
                task.cancel()
        for writer in (connection.client, connection.server):
            if writer is not None:
                _reset(writer)


class _LateReader:
    """What a reader reads, each piece `lag` seconds after it came."""

    def __init__(self, reader: asyncio.StreamReader, lag: float) -> None:
        self._lag = lag
        self._pieces: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        self._task = asyncio.create_task(self._take(reader))

    async def _take(self, reader: asyncio.StreamReader) -> None:
        try:
            with contextlib.suppress(OSError):
                while data := await reader.read(_CHUNK):
                    self._pieces.put_nowait((time.monotonic(), data))
        finally:
            self._pieces.put_nowait((time.monotonic(), b""))  # the end

    async def read(self) -> bytes:
        came, data = await self._pieces.get()
        await asyncio.sleep(came + self._lag - time.monotonic())
        return data

    def close(self) -> None:
        self._task.cancel()


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@contextlib.asynccontextmanager
async def flaky_link(
    target_host: str, target_port: int, answer_lag: float = 0.0
) -> AsyncIterator[FlakyLink]:
    link = FlakyLink(target_host, target_port, answer_lag)
    await link.start()
    try:
        yield link
    finally:
        await link.close()
