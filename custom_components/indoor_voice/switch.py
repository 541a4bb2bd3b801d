"""The household's review-sharing switch: off by default, on only with current consent."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_KIND, Kind
from .household import DATA_HOUSEHOLD
from .household_entity import HouseholdEntity


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    if entry.data.get(CONF_KIND) == Kind.HOUSEHOLD:
        async_add_entities([ReviewSharingSwitch(hass.data[DATA_HOUSEHOLD], "share_recordings")])


class ReviewSharingSwitch(HouseholdEntity, SwitchEntity):
    """Share recordings for review. Turning it off revokes consent and deletes every clip."""

    _attr_entity_category = EntityCategory.CONFIG

    @property
    def is_on(self) -> bool:
        return self._household.sharing

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self._household.async_start_sharing(self._context.user_id if self._context else None)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self._household.async_revoke(self._context.user_id if self._context else None)
