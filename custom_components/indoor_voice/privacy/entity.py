"""Base for the entities that belong to the whole household."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from ..const import DOMAIN
from ..entries import HOUSEHOLD_UNIQUE_ID, unique_id
from .household import DATA_HOUSEHOLD


class HouseholdEntity(Entity):
    """Follows the household's state; one device for the whole home."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    key: str  # the entity's unique id and translation key within the household

    def __init__(self, hass: HomeAssistant) -> None:
        self._household = hass.data[DATA_HOUSEHOLD]
        key = self.key
        self._attr_unique_id = unique_id(HOUSEHOLD_UNIQUE_ID, key)
        self._attr_translation_key = key
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, HOUSEHOLD_UNIQUE_ID)},
            translation_key=HOUSEHOLD_UNIQUE_ID,  # "Household", as its entry is called
            manufacturer="Indoor Voice",
            model="Privacy choices",
            entry_type=DeviceEntryType.SERVICE,
        )

    async def async_added_to_hass(self) -> None:
        self.async_on_remove(self._household.async_add_listener(self.async_write_ha_state))
