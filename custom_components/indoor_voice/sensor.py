"""How many kept clips are waiting for review; which stop words a satellite knows."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import EntryKind
from .entries import kind_of
from .privacy.entity import HouseholdEntity
from .satellites.device import SatelliteConfigEntry
from .satellites.entity import SatelliteEntity


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """The household's sensor; an Indoor Voice satellite's (a plain Wyoming one has no stop
    word)."""
    kind = kind_of(entry)
    if kind is EntryKind.HOUSEHOLD:
        async_add_entities([ClipsWaitingSensor(hass)])
    elif kind is EntryKind.SATELLITE:
        async_add_entities([StopWordsSensor(entry)])


class ClipsWaitingSensor(HouseholdEntity, SensorEntity):
    key = "clips_waiting"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = "clips"

    @property
    def native_value(self) -> int:
        return self._household.waiting_clips


class StopWordsSensor(SatelliteEntity, SensorEntity):
    """The words the satellite hears as "stop" while a timer rings or a reply plays, as it
    reports them: the same in every language (README, Languages), so the household can see
    which word to say in theirs. Unknown when the satellite has it switched off."""

    _attr_translation_key = "stop_words"
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, entry: SatelliteConfigEntry) -> None:
        super().__init__(entry, "stop_words")

    @property
    def native_value(self) -> str | None:
        words = self._device.stop_words
        return ", ".join(words) if words else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {"words": list(self._device.stop_words or [])}
