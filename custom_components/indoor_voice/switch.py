"""The household's review-sharing switch: off by default, on only with current consent."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import EntryKind
from .entries import is_satellite, kind_of
from .privacy.entity import HouseholdEntity
from .satellites.entity import SatelliteEntity


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    if is_satellite(entry):
        async_add_entities([SatelliteMuteSwitch(entry)])
    elif kind_of(entry) is EntryKind.HOUSEHOLD:
        async_add_entities([ReviewSharingSwitch(hass)])


class ReviewSharingSwitch(HouseholdEntity, SwitchEntity):
    """Share recordings for review. Turning it off revokes consent and deletes every clip."""

    key = "share_recordings"
    _attr_entity_category = EntityCategory.CONFIG

    @property
    def is_on(self) -> bool:
        return self._household.sharing

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self._household.async_start_sharing(self._context.user_id if self._context else None)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self._household.async_revoke(self._context.user_id if self._context else None)


class SatelliteMuteSwitch(SatelliteEntity, SwitchEntity):
    """Mute: the satellite stops listening and streaming; it remembers across reboots."""

    _attr_translation_key = "mute"
    _attr_entity_category = EntityCategory.CONFIG

    def __init__(self, entry: ConfigEntry) -> None:
        super().__init__(entry, "mute")

    @property
    def is_on(self) -> bool:
        return self._device.muted

    async def async_turn_on(self, **kwargs: Any) -> None:
        self._request(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        self._request(False)

    def _request(self, muted: bool) -> None:
        if self._device.request_mute is None:
            raise HomeAssistantError("the satellite is not connected")
        self._device.request_mute(muted)
