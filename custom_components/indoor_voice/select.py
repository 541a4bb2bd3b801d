"""A satellite's pipelines (one per active wake word), how quickly it decides a command
has ended, and how readily it wakes."""

from __future__ import annotations

from dataclasses import replace

from homeassistant.components.assist_pipeline.select import (
    AssistPipelineSelect,
    VadSensitivitySelect,
)
from homeassistant.components.select import SelectEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import compat
from .const import DOMAIN, MAX_ACTIVE_WAKE_WORDS, PIPELINE_NAME, EntryKind
from .entries import kind_of, pipeline_key
from .link.protocol import WAKE_SENSITIVITIES
from .satellites.entity import SatelliteEntity


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up for satellite entries only (__init__.SATELLITE_PLATFORMS)."""
    entities: list[SelectEntity] = [
        *(SatellitePipelineSelect(hass, entry, i) for i in range(MAX_ACTIVE_WAKE_WORDS)),
        SatelliteVadSelect(hass, entry),
    ]
    if kind_of(entry) is EntryKind.SATELLITE:  # plain Wyoming satellites have no such setting
        entities.append(WakeSensitivitySelect(entry))
    async_add_entities(entities)


class SatellitePipelineSelect(SatelliteEntity, AssistPipelineSelect):
    """The pipeline the satellite's first (or second) active wake word starts. Starts on the
    local pipeline (if it exists) rather than on whatever is preferred."""

    _follows_link = False  # a setting: changeable while the satellite is away

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, index: int = 0) -> None:
        AssistPipelineSelect.__init__(self, hass, DOMAIN, entry.entry_id)
        key = pipeline_key(index)
        if index:
            # Home Assistant has an index of its own for this since 2025.10; ours works on
            # every release we support, with our own name for it.
            self.entity_description = replace(self.entity_description, key=key, translation_key=key)
        SatelliteEntity.__init__(self, entry, key)
        self._attr_current_option = PIPELINE_NAME
        self._index = index

    async def async_select_option(self, option: str) -> None:
        await super().async_select_option(option)
        self._device.async_update()  # the satellite has the guard watch its new pipeline

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        if self._attr_current_option not in self.options:
            self._attr_current_option = self.options[0]  # "preferred"
            self.async_write_ha_state()
        if self._index and self.registry_entry and (device_id := self.registry_entry.device_id):
            # Each pipeline select registers the device with Home Assistant's pipeline data
            # and takes it away when removed, before 2025.10 with a `pop` that fails for the
            # second one: put it back just before this one's removal takes it (callbacks run
            # last-registered first), so neither removal logs an error.
            devices = compat.pipeline_devices(self.hass)
            registered = devices[device_id]

            def put_back() -> None:
                devices.setdefault(device_id, registered)

            self.async_on_remove(put_back)


class SatelliteVadSelect(SatelliteEntity, VadSensitivitySelect):
    _follows_link = False

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        VadSensitivitySelect.__init__(self, hass, entry.entry_id)
        SatelliteEntity.__init__(self, entry, "vad_sensitivity")


class WakeSensitivitySelect(SatelliteEntity, SelectEntity):
    """How readily the satellite wakes: relaxed hears quieter and unusual voices, strict
    wakes less by mistake. The satellite keeps the choice and reports it."""

    _attr_translation_key = "wake_sensitivity"
    _attr_entity_category = EntityCategory.CONFIG
    _attr_options = list(WAKE_SENSITIVITIES)

    def __init__(self, entry: ConfigEntry) -> None:
        super().__init__(entry, "wake_sensitivity")

    @property
    def current_option(self) -> str | None:
        return self._device.wake_sensitivity

    async def async_select_option(self, option: str) -> None:
        if self._device.request_wake_sensitivity is None or not self._device.connected:
            raise HomeAssistantError("the satellite is not connected")
        self._device.request_wake_sensitivity(option)
