"""Indoor Voice: a local voice assistant whose audio never leaves the house."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from homeassistant.components.tts.const import DATA_TTS_MANAGER
from homeassistant.config_entries import SOURCE_SYSTEM, ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.typing import ConfigType

from .compat import ENTRY_DONE, EntryResult, async_unload_platforms
from .config_flow import IndoorVoiceConfigFlow
from .const import DOMAIN, EntryKind
from .engines.coordinator import EngineConfigEntry, EngineCoordinator, offered_platforms
from .engines.endpointing import DATA_SATELLITE_PAUSES, SatellitePauses
from .engines.pipeline import async_ensure_pipeline, async_follow_language
from .engines.stream_start import DATA_WAKE_WORD_STREAMS, WakeWordStreams
from .entries import HOUSEHOLD_UNIQUE_ID, is_satellite, kind_of
from .logs import quiet_what_is_not_news
from .privacy.household import DATA_HOUSEHOLD, Household
from .privacy.local_guard import DATA_GUARD, LocalGuard
from .privacy.review_api import async_register as async_register_review_api
from .privacy.review_panel import async_register as async_register_review_panel
from .satellites.arbiter import DATA_ARBITER, WakeArbiter
from .satellites.device import SatelliteConfigEntry, SatelliteDevice
from .satellites.identity import DATA_LINK_IDENTITY, LinkIdentity
from .sentences.home import DATA_HOME_SENTENCES, HomeSentences

_LOGGER = logging.getLogger(__name__)

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


HOUSEHOLD_PLATFORMS = [Platform.SWITCH, Platform.SENSOR]
SATELLITE_PLATFORMS = [
    Platform.ASSIST_SATELLITE,
    Platform.SWITCH,
    Platform.SELECT,
    Platform.NUMBER,
    Platform.SENSOR,
]
PURGE_INTERVAL = timedelta(hours=1)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    quiet_what_is_not_news()
    identity = LinkIdentity(hass)
    await identity.async_load()  # before the household, which forgets where it was kept
    hass.data[DATA_LINK_IDENTITY] = identity
    household = Household(hass)
    await household.async_load()
    hass.data[DATA_HOUSEHOLD] = household
    hass.data[DATA_GUARD] = LocalGuard(hass)
    hass.data[DATA_ARBITER] = WakeArbiter()
    hass.data[DATA_SATELLITE_PAUSES] = SatellitePauses()
    hass.data[DATA_HOME_SENTENCES] = HomeSentences(hass)
    hass.data[DATA_WAKE_WORD_STREAMS] = WakeWordStreams()
    async_follow_language(hass)
    async_register_review_api(hass)
    await async_register_review_panel(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> EntryResult:
    if kind_of(entry) is EntryKind.HOUSEHOLD:
        await _async_setup_household(hass, entry)
    elif is_satellite(entry):
        await _async_setup_satellite(hass, entry)
    else:
        await _async_setup_engine(hass, entry)
    return ENTRY_DONE


async def _async_setup_satellite(hass: HomeAssistant, entry: SatelliteConfigEntry) -> None:
    """The entities connect on their own and stay unavailable until the satellite answers."""
    entry.runtime_data = SatelliteDevice(entry.entry_id)
    if kind_of(entry) is EntryKind.WYOMING_SATELLITE:
        ir.async_create_issue(
            hass,
            DOMAIN,
            f"unencrypted_satellite_{entry.entry_id}",
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="unencrypted_satellite",
            translation_placeholders={"name": entry.title},
        )
    await hass.config_entries.async_forward_entry_setups(entry, SATELLITE_PLATFORMS)
    _ensure_household_entry(hass)


async def _async_setup_household(hass: HomeAssistant, entry: ConfigEntry) -> None:
    household = hass.data[DATA_HOUSEHOLD]
    await household.async_suspend_if_disclosure_changed()
    _keep_spoken_replies_off_disk(hass)
    await household.async_enforce_limits()

    async def purge(_: datetime) -> None:
        await household.async_enforce_limits()

    entry.async_on_unload(
        async_track_time_interval(hass, purge, PURGE_INTERVAL, cancel_on_shutdown=True)
    )
    entry.async_on_unload(hass.data[DATA_GUARD].async_start())
    await hass.config_entries.async_forward_entry_setups(entry, HOUSEHOLD_PLATFORMS)


def _keep_spoken_replies_off_disk(hass: HomeAssistant) -> None:
    """HA's text-to-speech keeps every reply in config/tts/ by default; replies say what was
    asked ("Unlocked the front door"), so with Indoor Voice they stay in memory only."""
    manager = hass.data.get(DATA_TTS_MANAGER)
    if manager is not None and manager.use_file_cache:
        manager.use_file_cache = False
        _LOGGER.info("Spoken replies are no longer written to Home Assistant's TTS file cache")


async def _async_setup_engine(hass: HomeAssistant, entry: EngineConfigEntry) -> None:
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


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> EntryResult:
    if kind_of(entry) is EntryKind.HOUSEHOLD:
        return await async_unload_platforms(hass, entry, HOUSEHOLD_PLATFORMS)
    if is_satellite(entry):
        return await async_unload_platforms(hass, entry, SATELLITE_PLATFORMS)
    coordinator: EngineCoordinator = entry.runtime_data
    return await async_unload_platforms(hass, entry, coordinator.platforms)


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Removing the household is like a fresh install: sharing off, every clip deleted."""
    if kind_of(entry) is EntryKind.HOUSEHOLD:
        await hass.data[DATA_HOUSEHOLD].async_reset()
    ir.async_delete_issue(hass, DOMAIN, f"unencrypted_satellite_{entry.entry_id}")


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> EntryResult:
    """Any migration of the household starts with sharing off."""
    if kind_of(entry) is EntryKind.HOUSEHOLD:
        await hass.data[DATA_HOUSEHOLD].async_reset()
    hass.config_entries.async_update_entry(
        entry,
        version=IndoorVoiceConfigFlow.VERSION,
        minor_version=IndoorVoiceConfigFlow.MINOR_VERSION,
    )
    return ENTRY_DONE
