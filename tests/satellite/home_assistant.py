"""A stand-in for the Home Assistant side, using the link client the integration uses."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from wyoming.audio import AudioChunk
from wyoming.event import Event
from wyoming.info import Describe, Info
from wyoming.ping import Ping
from wyoming.satellite import RunSatellite

from indoor_voice_link import (
    Identity,
    LinkConnection,
    PairingResult,
    connect,
    generate_identity,
    pair,
)
from testbed.satellite_process import WAIT, SatelliteProcess


@dataclass
class Session:
    """One connection to a satellite; everything it sends is kept in `received`."""

    connection: LinkConnection
    received: list[Event] = field(default_factory=list)
    _inbox: asyncio.Queue[Event | None] = field(default_factory=asyncio.Queue)
    _pings: int = 0

    async def _read_all(self) -> None:
        while (event := await self.connection.read_event()) is not None:
            self.received.append(event)
            self._inbox.put_nowait(event)
        self._inbox.put_nowait(None)

    async def send(self, *events: Event) -> None:
        for event in events:
            await self.connection.write_event(event)

    async def next(self, *types: str) -> Event:
        """The next event of one of these types (others are skipped, but kept in `received`)."""
        async with asyncio.timeout(WAIT):
            while (event := await self._inbox.get()) is not None:
                if event.type in types:
                    return event
        raise AssertionError(f"the satellite closed the link while we waited for {types}")

    async def closed(self) -> None:
        """Return once the satellite has closed the link."""
        async with asyncio.timeout(WAIT):
            while await self._inbox.get() is not None:
                pass

    async def sync(self) -> None:
        """Return once the satellite has handled everything sent so far (it answers in order)."""
        self._pings += 1
        text = f"sync {self._pings}"
        await self.send(Ping(text=text).event())
        while (await self.next("pong")).data.get("text") != text:
            pass

    async def run(self) -> None:
        """What the integration does on connecting: describe, then run-satellite."""
        await self.send(Describe().event(), RunSatellite().event())
        await self.next("info")
        await self.sync()

    async def info(self) -> Info:
        await self.send(Describe().event())
        return Info.from_event(await self.next("info"))

    def types(self, since: int = 0) -> list[str]:
        return [event.type for event in self.received[since:]]

    def audio(self, since: int = 0, until: int | None = None) -> bytes:
        return b"".join(
            AudioChunk.from_event(e).audio
            for e in self.received[since:until]
            if e.type == "audio-chunk"
        )

    def position(self, event: Event) -> int:
        return next(i for i, e in enumerate(self.received) if e is event)


class HomeAssistant:
    """One Home Assistant install: an identity, and the satellite fingerprints it pinned."""

    def __init__(self, identity: Identity) -> None:
        self.identity = identity
        self.pinned: dict[int, str] = {}

    @classmethod
    async def create(cls) -> HomeAssistant:
        return cls(await asyncio.to_thread(generate_identity, "Home Assistant"))

    async def pair(self, satellite: SatelliteProcess, code: str | None = None) -> PairingResult:
        code = code or await asyncio.to_thread(satellite.pairing_code)
        result = await pair(satellite.host, satellite.port, code, self.identity)
        self.pinned[id(satellite)] = result.satellite_fingerprint
        return result

    @contextlib.asynccontextmanager
    async def session(self, satellite: SatelliteProcess) -> AsyncIterator[Session]:
        connection = await connect(
            satellite.host, satellite.port, self.identity, self.pinned[id(satellite)]
        )
        session = Session(connection)
        reader = asyncio.create_task(session._read_all())
        try:
            yield session
        finally:
            await connection.close()
            reader.cancel()
            await asyncio.wait([reader])
