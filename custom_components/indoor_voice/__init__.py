"""Indoor Voice: a local voice assistant whose audio never leaves the house."""

from __future__ import annotations

import logging

from homeassistant.config_entries import SOURCE_SYSTEM, ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .config_flow import HOUSEHOLD_UNIQUE_ID
from .const import CONF_KIND, DOMAIN, Kind
from .engine import EngineConfigEntry, EngineCoordinator, offered_platforms
from .household import DATA_HOUSEHOLD, Household
from .pipeline import async_ensure_pipeline

_LOGGER = logging.getLogger(__name__)

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    household = Household(hass)
    await household.async_load()
    hass.data[DATA_HOUSEHOLD] = household
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    if entry.data.get(CONF_KIND) == Kind.HOUSEHOLD:
        return True
    return await _async_setup_engine(hass, entry)


async def _async_setup_engine(hass: HomeAssistant, entry: EngineConfigEntry) -> bool:
    coordinator = EngineCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    platforms = offered_platforms(coordinator.data)
    if not platforms:
        raise ConfigEntryNotReady("the engine offers no speech service right now")
    coordinator.platforms = platforms
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, platforms)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    _ensure_household_entry(hass)
    await async_ensure_pipeline(hass)
    return True


def _ensure_household_entry(hass: HomeAssistant) -> None:
    if not any(
        e.unique_id == HOUSEHOLD_UNIQUE_ID for e in hass.config_entries.async_entries(DOMAIN)
    ):
        hass.async_create_task(
            hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_SYSTEM}),
            eager_start=True,
        )


async def _async_options_updated(hass: HomeAssistant, entry: ConfigEntry) -> None:
    await async_ensure_pipeline(hass)


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    if entry.data.get(CONF_KIND) == Kind.HOUSEHOLD:
        return True
    coordinator: EngineCoordinator = entry.runtime_data
    return await hass.config_entries.async_unload_platforms(entry, coordinator.platforms)
