"""A satellite's pipelines (one per active wake word) and how quickly it decides a command
has ended."""

from __future__ import annotations

from dataclasses import replace

from homeassistant.components.assist_pipeline.select import (
    AssistPipelineSelect,
    VadSensitivitySelect,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN, MAX_ACTIVE_WAKE_WORDS, PIPELINE_NAME
from .entries import pipeline_key
from .satellites.entity import SatelliteEntity


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up for satellite entries only (__init__.SATELLITE_PLATFORMS)."""
    pipelines = [SatellitePipelineSelect(hass, entry, i) for i in range(MAX_ACTIVE_WAKE_WORDS)]
    async_add_entities([*pipelines, SatelliteVadSelect(hass, entry)])


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

    async def async_select_option(self, option: str) -> None:
        await super().async_select_option(option)
        self._device.async_update()  # the satellite has the guard watch its new pipeline

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        if self._attr_current_option not in self.options:
            self._attr_current_option = self.options[0]  # "preferred"
            self.async_write_ha_state()


class SatelliteVadSelect(SatelliteEntity, VadSensitivitySelect):
    _follows_link = False

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        VadSensitivitySelect.__init__(self, hass, entry.entry_id)
        SatelliteEntity.__init__(self, entry, "vad_sensitivity")
