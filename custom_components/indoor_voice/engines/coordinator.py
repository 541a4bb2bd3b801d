"""An engine config entry at run time: its health and what it offers, polled with describe."""

from __future__ import annotations

import logging
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from wyoming.info import Info

from ..const import ENGINE_POLL_LOGGER, ENGINE_POLL_SECONDS
from .client import async_describe

_POLL_LOGGER = logging.getLogger(ENGINE_POLL_LOGGER)

type EngineConfigEntry = ConfigEntry[EngineCoordinator]


def offered_platforms(info: Info) -> list[Platform]:
    """The entity platforms a Wyoming service's info calls for."""
    platforms = []
    if any(asr.installed and asr.models for asr in info.asr):
        platforms.append(Platform.STT)
    if any(tts.installed and tts.voices for tts in info.tts):
        platforms.append(Platform.TTS)
    if any(wake.installed and wake.models for wake in info.wake):
        platforms.append(Platform.WAKE_WORD)
    return platforms


class EngineCoordinator(DataUpdateCoordinator[Info]):
    """Knows whether the engine is up, and what it currently offers.

    Entities are unavailable while a check fails and come back with the next one that
    succeeds; a failed request asks for a check at once.
    """

    config_entry: EngineConfigEntry

    def __init__(self, hass: HomeAssistant, entry: EngineConfigEntry) -> None:
        super().__init__(
            hass,
            _POLL_LOGGER,
            config_entry=entry,
            name=f"Indoor Voice engine {entry.data[CONF_HOST]}:{entry.data[CONF_PORT]}",
            update_interval=timedelta(seconds=ENGINE_POLL_SECONDS),
        )
        self.platforms: list[Platform] = []

    @property
    def host(self) -> str:
        return str(self.config_entry.data[CONF_HOST])

    @property
    def port(self) -> int:
        return int(self.config_entry.data[CONF_PORT])

    async def _async_update_data(self) -> Info:
        if self.hass.is_stopping and self.data is not None:
            # No check while Home Assistant stops: the executor that resolves the engine's
            # name is shut down (a refresh asked for by a request the stop cut off).
            return self.data
        try:
            return await async_describe(self.host, self.port)
        except HomeAssistantError as err:
            raise UpdateFailed(str(err)) from err

    async def async_request_failed(self) -> None:
        """A request to the engine failed: check its health now instead of at the next poll
        (not while Home Assistant stops, which is what cut the request off)."""
        if not self.hass.is_stopping:
            await self.async_request_refresh()
