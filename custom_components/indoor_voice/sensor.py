"""How many kept clips are waiting for review (the household); which stop words a satellite
knows and its last wake word decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorStateClass,
)
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
    """The household's sensor, or an Indoor Voice satellite's (plain Wyoming ones report no
    stop words and no wake decisions)."""
    kind = kind_of(entry)
    if kind is EntryKind.HOUSEHOLD:
        async_add_entities([ClipsWaitingSensor(hass)])
    elif kind is EntryKind.SATELLITE:
        async_add_entities([StopWordsSensor(entry), LastWakeSensor(entry)])


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


class LastWakeSensor(SatelliteEntity, SensorEntity):
    """When the satellite last woke, or nearly did, with the score and whether it counted: a
    household tells a false wake (accepted, but nobody said it) from a missed one (a score
    just below the threshold)."""

    _attr_translation_key = "last_wake"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_device_class = SensorDeviceClass.TIMESTAMP
    _follows_link = False  # the last decision stays true while the satellite is away
    _unrecorded_attributes = frozenset({"score", "threshold"})

    def __init__(self, entry: ConfigEntry) -> None:
        super().__init__(entry, "last_wake")

    @property
    def native_value(self) -> datetime | None:
        wake = self._device.last_wake
        return None if wake is None else wake.time

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        wake = self._device.last_wake
        if wake is None:
            return None
        return {
            "wake_word": wake.wake_word,
            "score": round(wake.score, 3),
            "accepted": wake.accepted,
            "threshold": wake.threshold,
        }
