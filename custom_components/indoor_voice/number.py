"""A satellite's volume: the level of everything its speaker plays (replies, announcements,
chimes, timers). The satellite keeps it across reboots and reports it."""

from __future__ import annotations

from homeassistant.components.number import NumberEntity, NumberMode
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import EntryKind
from .entries import kind_of
from .satellites.entity import SatelliteEntity


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    if kind_of(entry) is EntryKind.SATELLITE:  # plain Wyoming satellites have no volume
        async_add_entities([SatelliteVolume(entry)])


class SatelliteVolume(SatelliteEntity, NumberEntity):
    _attr_translation_key = "volume"
    _attr_entity_category = EntityCategory.CONFIG
    _attr_native_min_value = 0
    _attr_native_max_value = 100
    _attr_native_step = 1
    _attr_native_unit_of_measurement = PERCENTAGE
    _attr_mode = NumberMode.SLIDER

    def __init__(self, entry: ConfigEntry) -> None:
        super().__init__(entry, "volume")

    @property
    def native_value(self) -> float | None:
        volume = self._device.volume
        return None if volume is None else round(volume * 100)

    async def async_set_native_value(self, value: float) -> None:
        if self._device.request_volume is None or not self._device.connected:
            raise HomeAssistantError("the satellite is not connected")
        self._device.request_volume(value / 100)
