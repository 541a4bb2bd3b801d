"""How many kept clips are waiting for review."""

from __future__ import annotations

from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .privacy.entity import HouseholdEntity


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up for the household entry only (__init__.HOUSEHOLD_PLATFORMS)."""
    async_add_entities([ClipsWaitingSensor(hass)])


class ClipsWaitingSensor(HouseholdEntity, SensorEntity):
    key = "clips_waiting"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = "clips"

    @property
    def native_value(self) -> int:
        return self._household.waiting_clips
