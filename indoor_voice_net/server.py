"""A TCP server for the home network: clients from elsewhere are refused, connections hold a
limited number of slots (`slots`), and refusals are logged as a summary (`refusals`).

The engine's Wyoming server and the satellite's link server are both one of these; each says
what a connection's claim on a slot is (`occupant`) and how it is served (`serve`).
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from indoor_voice_link.local_network import is_local_address

from .refusals import RefusalLog
from .slots import Occupant, Slots

T = TypeVar("T", bound=Occupant)


class CappedServer(ABC, Generic[T]):
    """Serves local clients, at most `total` at once and `per_source` from one address.

    A newcomer without a free slot waits up to `admission_wait` seconds for one (while at
    most `total` others wait too), then is refused with `refuse_busy`.
    """

    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        *,
        total: int,
        per_source: int,
        admission_wait: float = 0.0,
        allow_peer: Callable[[str], bool] = is_local_address,
    ) -> None:
        self._server: asyncio.Server | None = None
        self._slots: Slots[T] = Slots(total, per_source)
        self._total = total
        self._admission_wait = admission_wait
        self._allow_peer = allow_peer
        self._waiting = 0  # newcomers waiting for a slot
        self._tasks: set[asyncio.Task[None]] = set()
        self.refusals = RefusalLog(logger, what)

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self, host: str, port: int, **options: Any) -> None:
        """Listen; `options` go to `asyncio.start_server`."""
        self._server = await asyncio.start_server(self._accept, host, port, **options)

    async def serve_forever(self) -> None:
        assert self._server is not None
        async with self._server:
            await self._server.serve_forever()

    async def close(self) -> None:
        """Stop listening and end every connection's task."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @abstractmethod
    def occupant(
        self, source: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> T:
        """A new connection's claim on a slot."""

    @abstractmethod
    async def serve(
        self, occupant: T, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Serve one admitted connection until it ends."""

    async def refuse_busy(self, occupant: T, writer: asyncio.StreamWriter) -> None:
        """Every slot is held by someone who may not give way."""
        self.refusals.refused(occupant.source, "no free connection")
        writer.transport.abort()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        source = str(peer[0]) if peer else "unknown"
        if not peer or not self._allow_peer(source):
            self.refusals.refused(source, "outside the local network")
            writer.transport.abort()
            return
        occupant = self.occupant(source, reader, writer)
        if not await self._take_slot(occupant):
            await self.refuse_busy(occupant, writer)
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await self.serve(occupant, reader, writer)
        finally:
            self._slots.release(occupant)
            self._tasks.discard(task)  # type: ignore[arg-type]

    async def _take_slot(self, occupant: T) -> bool:
        """A slot for the newcomer, waiting a little for one to free up (graces expire)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._admission_wait
        while not self._slots.admit(occupant):
            if loop.time() >= deadline or self._waiting >= self._total:
                return False
            self._waiting += 1
            try:
                await asyncio.sleep(0.1)
            finally:
                self._waiting -= 1
        return True
