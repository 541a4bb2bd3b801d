"""The link to one satellite, kept up: connecting (Indoor Voice's paired TLS link, or plain
Wyoming), reconnecting with growing pauses, pinging, and handing each event to its entity."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Final, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.info import Describe
from wyoming.ping import Ping, Pong
from wyoming.satellite import RunSatellite

from .. import link
from ..const import CONF_FINGERPRINT, EntryKind
from ..entries import kind_of
from ..link import client as link_client  # loaded with us, not in the loop
from ..privacy.local_hosts import async_resolve_local
from .identity import DATA_LINK_IDENTITY

_LOGGER = logging.getLogger(__name__)

_PING_SECONDS: Final = 5
_SILENT_SECONDS: Final = 15  # no event at all (not even a pong): the satellite is gone
_RECONNECT_SECONDS: Final = (1, 2, 5, 10, 30)


class SatelliteConnection(Protocol):
    async def read_event(self) -> Event | None: ...
    async def write_event(self, event: Event) -> None: ...
    async def close(self) -> None: ...


class _PlainConnection:
    """A plain Wyoming satellite: the same events, unencrypted and unauthenticated."""

    def __init__(self, client: AsyncTcpClient) -> None:
        self._client = client

    async def read_event(self) -> Event | None:
        return await self._client.read_event()

    async def write_event(self, event: Event) -> None:
        await self._client.write_event(event)

    async def close(self) -> None:
        await self._client.disconnect()


async def async_connect(hass: HomeAssistant, entry: ConfigEntry) -> SatelliteConnection:
    """Connect to the satellite of `entry`; its host must still resolve inside the house.

    Raises NotLocalError, link.LinkError (NotPaired when the satellite was re-paired) or OSError.
    """
    port = int(entry.data[CONF_PORT])
    address = await async_resolve_local(entry.data[CONF_HOST], port)
    if kind_of(entry) is EntryKind.SATELLITE:
        identity = await hass.data[DATA_LINK_IDENTITY].async_get()
        return await link_client.connect(address, port, identity, entry.data[CONF_FINGERPRINT])
    client = AsyncTcpClient(address, port)
    await client.connect()
    return _PlainConnection(client)


class SatelliteLink:
    """Keeps one satellite connected while its entity exists; answers its pings itself."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        on_event: Callable[[Event], Awaitable[None]],
        on_lost: Callable[[], None],
    ) -> None:
        self._hass = hass
        self._entry = entry
        self._on_event = on_event
        self._on_lost = on_lost
        self._connection: SatelliteConnection | None = None
        self._name = entry.title

    @property
    def connected(self) -> bool:
        return self._connection is not None

    def async_start(self, name: str) -> None:
        """Connect in the background, for as long as the entry is loaded."""
        self._name = name
        self._entry.async_create_background_task(self._hass, self._keep_connected(), f"{name} link")

    async def _keep_connected(self) -> None:
        """Connect, serve, and when the link drops, reconnect with growing pauses."""
        attempt = 0
        while True:
            try:
                connection = await async_connect(self._hass, self._entry)
            except link.NotPaired:
                _LOGGER.warning(
                    "%s was paired again; Home Assistant needs the new code", self._entry.title
                )
                self._entry.async_start_reauth(self._hass)
                return
            except (link.LinkError, OSError, HomeAssistantError) as err:
                pause = _RECONNECT_SECONDS[min(attempt, len(_RECONNECT_SECONDS) - 1)]
                attempt += 1
                _LOGGER.debug(
                    "Cannot reach %s (%s); trying again in %d s", self._entry.title, err, pause
                )
                await asyncio.sleep(pause)
                continue
            attempt = 0
            self._connection = connection
            try:
                await self._serve(connection)
            except (link.LinkError, OSError, TimeoutError) as err:
                _LOGGER.info("Lost the link to %s: %s", self._entry.title, err)
            finally:
                self._connection = None
                self._on_lost()
                with contextlib.suppress(Exception):
                    await connection.close()

    async def _serve(self, connection: SatelliteConnection) -> None:
        await connection.write_event(Describe().event())
        await connection.write_event(RunSatellite().event())
        pinger = self._entry.async_create_background_task(
            self._hass, self._ping(connection), f"{self._name} ping"
        )
        try:
            while True:
                async with asyncio.timeout(_SILENT_SECONDS):
                    event = await connection.read_event()
                if event is None:
                    raise link.LinkUnavailable("the satellite closed the link")
                if Ping.is_type(event.type):
                    await connection.write_event(Pong(text=Ping.from_event(event).text).event())
                else:
                    await self._on_event(event)
        finally:
            pinger.cancel()

    async def _ping(self, connection: SatelliteConnection) -> None:
        with contextlib.suppress(link.LinkError, OSError):
            while True:
                await asyncio.sleep(_PING_SECONDS)
                await connection.write_event(Ping().event())

    async def send(self, event: Event) -> None:
        if (connection := self._connection) is None:
            raise HomeAssistantError(f"{self._entry.title} is not connected")
        await connection.write_event(event)

    async def delivered(self, event: Event) -> bool:
        """Send if connected; whether the satellite got it."""
        try:
            await self.send(event)
        except (HomeAssistantError, link.LinkError, OSError):
            return False
        return True

    async def send_quietly(self, event: Event) -> None:
        """Send if connected; a satellite gone meanwhile simply does not hear it."""
        await self.delivered(event)
