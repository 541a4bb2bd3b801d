"""Strangers on the network who try to keep a server's slots busy, for as long as they run.

Each stranger holds one connection and opens a new one whenever the server drops it:
stalled frames (a header that announces a payload that never comes), slowloris senders
(a byte every half second) and idle sockets (never a byte).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

STALLED_FRAME = json.dumps({"type": "audio-chunk", "payload_length": 65536}).encode() + b"\n"
SLOW_HEADER = b'{"type": "describe", "data": {"padding": "' + b"x" * 4096
_DRIP_SECONDS = 0.5
_REOPEN_SECONDS = 0.5  # after the server drops a stranger, before it comes back


@dataclass
class Attack:
    """`async with Attack(host, port, stalled=, slowloris=, idle=).running()`."""

    host: str
    port: int
    stalled: int = 0
    slowloris: int = 0
    idle: int = 0
    dropped: int = 0  # connections the server closed on a stranger

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Attack]:
        """The strangers, until the block ends."""
        kinds = [(STALLED_FRAME, b"")] * self.stalled
        kinds += [(b"", SLOW_HEADER)] * self.slowloris + [(b"", b"")] * self.idle
        tasks = [asyncio.create_task(self._stranger(*kind)) for kind in kinds]
        try:
            yield self
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _stranger(self, first: bytes, drip: bytes) -> None:
        while True:
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                await asyncio.sleep(_REOPEN_SECONDS)
                continue
            try:
                writer.write(first)
                for byte in drip:
                    if reader.at_eof():
                        break
                    writer.write(bytes([byte]))
                    await writer.drain()
                    await asyncio.sleep(_DRIP_SECONDS)
                with contextlib.suppress(OSError):
                    while await reader.read(4096):  # hold the slot until the server lets go
                        pass
            except OSError:
                pass
            finally:
                writer.transport.abort()
            self.dropped += 1
            await asyncio.sleep(_REOPEN_SECONDS)
