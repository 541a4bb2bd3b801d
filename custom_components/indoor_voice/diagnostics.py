"""Diagnostics: what an entry is connected to and how it is set, never what was said."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .const import CONF_KIND, EntryKind
from .entries import is_satellite, kind_of
from .privacy.household import DATA_HOUSEHOLD

TO_REDACT = {"key", "certificate", "pairing_code"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str, Any]:
    diagnostics: dict[str, Any] = {
        "kind": entry.data.get(CONF_KIND),
        "data": async_redact_data(dict(entry.data), TO_REDACT),
        "options": dict(entry.options),
        "household": hass.data[DATA_HOUSEHOLD].as_diagnostics(),
    }
    if kind_of(entry) is EntryKind.ENGINE and (coordinator := getattr(entry, "runtime_data", None)):
        diagnostics["engine"] = {
            "available": coordinator.last_update_success,
            "platforms": [str(p) for p in coordinator.platforms],
            "info": coordinator.data.to_dict() if coordinator.data else None,
        }
    if is_satellite(entry) and (device := getattr(entry, "runtime_data", None)):
        diagnostics["satellite"] = {
            "connected": device.connected,
            "muted": device.muted,
            "audio_chunks_before_wake": device.audio_chunks_before_wake,
            "info": device.info.to_dict() if device.info else None,
        }
    return diagnostics
