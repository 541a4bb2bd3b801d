"""The satellite's side of its link to Home Assistant: the newest paired connection wins.

Every event to Home Assistant goes through one outbox per connection, so state changes and
the events that announce them stay in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from wyoming.event import Event

from indoor_voice_link import LinkConnection, LinkUnavailable

_LOGGER = logging.getLogger(__name__)


class HomeAssistantLink:
    """Reads events from the newest connection into `handle`; `send` queues events to it."""

    def __init__(self, handle: Callable[[Event], None], forgotten: Callable[[], None]) -> None:
        self._handle = handle
        self._forgotten = forgotten  # the connection is gone, or a newer one replaces it
        self._connection: LinkConnection | None = None
        self.outbox: asyncio.Queue[Event] | None = None

    @property
    def connected(self) -> bool:
        return self._connection is not None

    def send(self, event: Event) -> None:
        if self.outbox is not None:
            self.outbox.put_nowait(event)

    async def serve(self, connection: LinkConnection) -> None:
        """Talk to a newly connected Home Assistant; a newer connection replaces this one."""
        previous = self._connection
        self._forget()
        if previous is not None:
            await previous.close()
        outbox: asyncio.Queue[Event] = asyncio.Queue()
        self._connection, self.outbox = connection, outbox
        writer = asyncio.create_task(_deliver(connection, outbox))
        try:
            while (event := await connection.read_event()) is not None:
                if self._connection is not connection:
                    break
                self._handle(event)
        finally:
            writer.cancel()
            await asyncio.wait([writer])
            if self._connection is connection:
                self._forget()
            _LOGGER.info("Home Assistant disconnected")

    def _forget(self) -> None:
        self._connection, self.outbox = None, None
        self._forgotten()


async def _deliver(connection: LinkConnection, outbox: asyncio.Queue[Event]) -> None:
    try:
        while True:
            await connection.write_event(await outbox.get())
    except LinkUnavailable:
        await connection.close()
