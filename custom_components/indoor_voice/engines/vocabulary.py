"""What the home is called and what it can be asked, to guide speech recognition.

Names: "turn on the kitchen light" should come out as "Kitchen Light" when that is the name
of an exposed entity. Only names (and aliases) of entities exposed to Assist, and areas.

Commands: sentences of Home Assistant's own intents (HassTurnOn/HassTurnOff, HassLightSet,
lock and cover intents, HassGetCurrentTime, the timer intents) filled with the names of
exposed entities and areas, in the words its default agent matches. The engine scores the
few nearest to what it heard with Whisper itself and keeps its own transcript when none is
as likely (candidates.py in the engine): a question that is no home command is transcribed
freely.

Both come from one walk over the home's states, once per command.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.conversation import DOMAIN as CONVERSATION_DOMAIN
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er

from ..compat import async_entity_aliases

MAX_NAMES = 200
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
_TIMER_MINUTES = (1, 2, 3, 5, 10, 15, 20, 30)
_ANY_HOME = (
    "What time is it?",
    "What is the date today?",
    *(f"Set a timer for {n} minute{'s' if n > 1 else ''}." for n in _TIMER_MINUTES),
    "How much time is left on the timer?",
    "Cancel the timer.",
)


@dataclass(frozen=True)
class HomeVocabulary:
    names: list[str]  # of exposed entities (and their aliases), then of areas
    commands: list[str]  # none in a language we have no sentences for


@callback
def async_home_vocabulary(hass: HomeAssistant, language: str | None) -> HomeVocabulary:
    """The names and the commands of this home; the engine transcribes freely without them."""
    with_commands = not language or language.lower().startswith("en")
    entities = er.async_get(hass)
    names: dict[str, None] = {}
    commands: dict[str, None] = dict.fromkeys(_ANY_HOME)
    for state in hass.states.async_all():
        if not async_should_expose(hass, CONVERSATION_DOMAIN, state.entity_id):
            continue
        names[state.name] = None
        if (entry := entities.async_get(state.entity_id)) is not None:
            names.update(dict.fromkeys(async_entity_aliases(hass, entry)))
        patterns = _BY_DOMAIN.get(state.domain, ())
        commands.update(dict.fromkeys(p.format(name=state.name) for p in patterns))
    for area in ar.async_get(hass).async_list_areas():
        names[area.name] = None
        names.update(dict.fromkeys(area.aliases))
        commands.update(dict.fromkeys(p.format(name=area.name) for p in _BY_AREA))
    return HomeVocabulary(
        names=[name for name in names if name and name.strip()][:MAX_NAMES],
        commands=list(commands)[:MAX_COMMANDS] if with_commands else [],
    )
