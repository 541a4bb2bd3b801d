"""A satellite config entry at run time: how to reach it, and the state its entities share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.info import Info

from . import link
from .const import CONF_FINGERPRINT, CONF_KIND, Kind
from .household import DATA_HOUSEHOLD
from .link import protocol
from .local_network import async_resolve_local

type SatelliteConfigEntry = ConfigEntry[SatelliteDevice]


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
    if entry.data[CONF_KIND] == Kind.SATELLITE:
        identity = await hass.data[DATA_HOUSEHOLD].async_link_identity()
        return await link.connect(address, port, identity, entry.data[CONF_FINGERPRINT])
    client = AsyncTcpClient(address, port)
    await client.connect()
    return _PlainConnection(client)


@dataclass
class SatelliteDevice:
    """What the satellite's entities share: connection state, what it reported, commands."""

    entry_id: str
    connected: bool = False
    info: Info | None = None
    muted: bool = False
    volume: float | None = None  # 0..1, None until an Indoor Voice satellite reports it
    # Read from the event, not from `info`: wyoming before 1.6 (Home Assistant 2025.4's pin)
    # drops these fields of `satellite` when it parses an info event.
    active_wake_words: list[str] = field(default_factory=list)
    max_active_wake_words: int | None = None
    audio_chunks_before_wake: int = 0
    request_mute: Callable[[bool], None] | None = None
    request_volume: Callable[[float], None] | None = None
    _listeners: list[Callable[[], None]] = field(default_factory=list)

    @callback
    def async_listen(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_update(
        self, *, connected: bool | None = None, info_event: Event | None = None
    ) -> None:
        if connected is not None:
            self.connected = connected
        if info_event is not None:
            self.info = Info.from_event(info_event)
            satellite = info_event.data.get("satellite") or {}
            # `muted` is ours: wyoming's Info drops fields it does not know.
            self.muted = bool(satellite.get(protocol.MUTED, False))
            if isinstance(volume := satellite.get(protocol.VOLUME), int | float):
                self.volume = float(volume)
            self.active_wake_words = [str(w) for w in satellite.get("active_wake_words") or []]
            maximum = satellite.get("max_active_wake_words")
            self.max_active_wake_words = int(maximum) if maximum else None
        for listener in list(self._listeners):
            listener()
