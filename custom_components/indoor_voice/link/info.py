"""Asking a Wyoming peer what it offers: `describe`, answered by `info`. Home Assistant asks
an engine (any Wyoming service) and a satellite it pairs with in the same words."""

from __future__ import annotations

from typing import Protocol

from wyoming.event import Event
from wyoming.info import Describe, Info


class EventPeer(Protocol):
    """Either end of a Wyoming connection: wyoming's own client, or the paired link."""

    async def read_event(self) -> Event | None: ...
    async def write_event(self, event: Event) -> None: ...


async def ask_info(peer: EventPeer) -> Info | None:
    """Send `describe` and read up to the `info` answer, passing over any event before it;
    None if the peer closes first. Bound it with a timeout: a peer may never answer."""
    await peer.write_event(Describe().event())
    while (event := await peer.read_event()) is not None:
        if Info.is_type(event.type):
            return Info.from_event(event)
    return None
