"""What differs between the Home Assistant releases we support, from 2025.4 to the newest.

Each difference is met with the newest API where the running release has it, and the older
way where it does not; nothing else in the integration needs to know which release it runs on.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from typing import Any

from homeassistant.components import intent, stt
from homeassistant.components.assist_pipeline import select as pipeline_select
from homeassistant.components.conversation import ConversationInput
from homeassistant.components.conversation.agent_manager import async_get_agent
from homeassistant.components.intent.const import TIMER_DATA
from homeassistant.components.stt import models as stt_models
from homeassistant.config_entries import ConfigEntries, ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import Context, HomeAssistant, callback
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


# Since 2026.5 a speech-to-text entity may detect the end of speech itself; Home Assistant
# then runs no voice activity detection of its own on the stream. Before, its VAD always
# runs, and the entity can only end sooner.
_AudioProcessing: Any = getattr(stt, "SpeechAudioProcessing", None)
ENTITY_ENDS_SPEECH = _AudioProcessing is not None
AUDIO_PROCESSING: Any = (
    _AudioProcessing(
        requires_external_vad=False,
        prefers_auto_gain_enabled=True,
        prefers_noise_reduction_enabled=True,
    )
    if ENTITY_ENDS_SPEECH
    else None
)
# What Home Assistant assumes of an entity that says nothing: its own VAD ends the speech.
HOME_ASSISTANT_ENDS_SPEECH: Any = getattr(stt_models, "DEFAULT_AUDIO_PROCESSING", None)

_INPUT_FIELDS = {field.name for field in dataclasses.fields(ConversationInput)}


async def async_is_complete_command(hass: HomeAssistant, text: str, language: str) -> bool:
    """Whether Home Assistant's own intent recognizer matches the text whole, with this
    home's exposed entities and areas (no fuzzy match, nothing left unmatched)."""
    return await async_command_meaning(hass, text, language) is not None


async def async_command_meaning(
    hass: HomeAssistant, text: str, language: str
) -> tuple[str, ...] | None:
    """What Home Assistant's own intent recognizer makes of the text, matched whole (as
    `async_is_complete_command`): its intent and its slots' values; None if no command."""
    agent = async_get_agent(hass)
    recognize = getattr(agent, "async_recognize_intent", None)
    if recognize is None:
        return None
    values: dict[str, Any] = {
        "text": text,
        "context": Context(),
        "conversation_id": None,
        "device_id": None,
        "satellite_id": None,  # since 2025.5
        "language": language,
        "agent_id": "conversation.home_assistant",
    }
    user_input = ConversationInput(**{k: v for k, v in values.items() if k in _INPUT_FIELDS})
    result = await recognize(user_input, strict_intents_only=True)
    if result is None or result.unmatched_entities:
        return None
    slots = sorted(f"{name}={_value(entity.value)}" for name, entity in result.entities.items())
    return (result.intent.name, *slots)


def _value(value: Any) -> str:
    """A slot's value as one text: 50 and 50.0 are one brightness."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).casefold()


__all__ = [
    "AUDIO_PROCESSING",
    "ENTITY_ENDS_SPEECH",
    "ENTRY_DONE",
    "HOME_ASSISTANT_ENDS_SPEECH",
    "EntryResult",
    "RepairsFlowResult",
    "async_active_timers",
    "async_command_meaning",
    "async_entity_aliases",
    "async_is_complete_command",
    "async_unload_platforms",
    "vol",
]


def pipeline_devices(hass: HomeAssistant) -> dict[str, Any]:
    """Home Assistant's register of the devices that have a pipeline select (device id →
    its domain and unique id prefix); its key moved modules in 2025.10."""
    devices: dict[str, Any] = hass.data[pipeline_select.KEY_ASSIST_PIPELINE].pipeline_devices
    return devices
