"""What differs between the Home Assistant releases we support, from 2025.4 to the newest.

Each difference is met with the newest API where the running release has it, and the older
way where it does not; nothing else in the integration needs to know which release it runs on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from homeassistant.components import intent
from homeassistant.components.intent.const import TIMER_DATA
from homeassistant.config_entries import ConfigEntries, ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

_LOGGER = logging.getLogger(__name__)

# Forms and websocket commands: Home Assistant validates them with probatio (a drop-in for
# voluptuous) since 2026 and types them against it there.
try:
    import probatio as vol
except ImportError:
    import voluptuous as vol  # type: ignore[no-redef,unused-ignore]

try:
    from homeassistant.components.repairs import (  # type: ignore[attr-defined,unused-ignore]
        RepairsFlowResult,
    )
except ImportError:  # Home Assistant 2025.4 has no RepairsFlowResult
    from homeassistant.data_entry_flow import (  # type: ignore[assignment,unused-ignore]
        FlowResult as RepairsFlowResult,
    )

# Since 2026.11 a config entry's setup, unload and migration return None and raise on failure;
# a boolean is on its way out. Before, they return True (None was an error).
ENTRY_METHODS_RETURN_NONE = hasattr(ConfigEntries, "async_unload_platforms_or_raise")
type EntryResult = bool | None
ENTRY_DONE: EntryResult = None if ENTRY_METHODS_RETURN_NONE else True


async def async_unload_platforms(
    hass: HomeAssistant, entry: ConfigEntry, platforms: Iterable[Platform]
) -> EntryResult:
    """Unload the entry's platforms, reporting the result as this release expects."""
    if ENTRY_METHODS_RETURN_NONE:
        await hass.config_entries.async_unload_platforms_or_raise(entry, platforms)  # type: ignore[attr-defined,unused-ignore]
        return None
    return await hass.config_entries.async_unload_platforms(entry, platforms)


@callback
def async_entity_aliases(hass: HomeAssistant, entry: er.RegistryEntry) -> list[str]:
    """The entity's aliases as text.

    Since 2026.4 `aliases` may hold a marker for the computed name, which
    `async_get_entity_aliases` resolves; older releases hold strings only.
    """
    if (get_aliases := getattr(er, "async_get_entity_aliases", None)) is not None:
        return list(get_aliases(hass, entry))
    return [alias for alias in entry.aliases if isinstance(alias, str)]


@callback
def async_active_timers(hass: HomeAssistant, device_id: str) -> list[intent.TimerInfo]:
    """The timers of a device that have not finished (running or paused).

    Home Assistant has no public call for this from 2025.4 to 2026.11: its timer manager keeps
    them in `timers`; should that change, a restarted satellite is not told again (logged).
    """
    manager = hass.data.get(TIMER_DATA)
    timers = getattr(manager, "timers", None)
    if not isinstance(timers, dict):
        _LOGGER.warning("This Home Assistant does not show its running timers")
        return []
    return [t for t in timers.values() if getattr(t, "device_id", None) == device_id]


__all__ = [
    "ENTRY_DONE",
    "EntryResult",
    "RepairsFlowResult",
    "async_active_timers",
    "async_entity_aliases",
    "async_unload_platforms",
    "vol",
]
