"""The commands this home understands, as sentences the engine can recognise by sound.

Sentences of Home Assistant's own intents (HassTurnOn/HassTurnOff, HassLightSet, lock and
cover intents, HassGetCurrentTime) filled with the names of exposed entities and areas, in
the words its default agent matches. The engine scores the few nearest to what it heard
with Whisper itself and keeps its own transcript when none is as likely (candidates.py in
the engine): a question that is no home command is transcribed freely.
"""

from __future__ import annotations

from homeassistant.components.conversation import DOMAIN as CONVERSATION_DOMAIN
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import area_registry as ar

MAX_COMMANDS = 400  # the engine's limit
_PERCENTS = range(10, 101, 10)

_ON_OFF = ("Turn on the {name}.", "Turn off the {name}.")
_BY_DOMAIN: dict[str, tuple[str, ...]] = {
    "light": (*_ON_OFF, *(f"Set the {{name}} to {p}%." for p in _PERCENTS)),
    "switch": _ON_OFF,
    "fan": _ON_OFF,
    "input_boolean": _ON_OFF,
    "media_player": _ON_OFF,
    "lock": ("Lock the {name}.", "Unlock the {name}."),
    "cover": ("Open the {name}.", "Close the {name}."),
}
_BY_AREA = ("Turn on the lights in the {name}.", "Turn off the lights in the {name}.")
_ANY_HOME = ("What time is it?", "What is the date today?")


@callback
def async_home_commands(hass: HomeAssistant, language: str | None) -> list[str]:
    """Commands for the exposed entities and the areas; none in a language we have no
    sentences for (the engine then transcribes freely)."""
    if language and not language.lower().startswith("en"):
        return []
    commands: dict[str, None] = dict.fromkeys(_ANY_HOME)
    for state in hass.states.async_all():
        patterns = _BY_DOMAIN.get(state.domain)
        if not patterns or not async_should_expose(hass, CONVERSATION_DOMAIN, state.entity_id):
            continue
        commands.update(dict.fromkeys(p.format(name=state.name) for p in patterns))
    for area in ar.async_get(hass).async_list_areas():
        commands.update(dict.fromkeys(p.format(name=area.name) for p in _BY_AREA))
    return list(commands)[:MAX_COMMANDS]
