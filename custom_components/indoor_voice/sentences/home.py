"""This home's commands, in the pipeline's language: the templates filled with the names of
exposed entities (and their aliases), areas and floors; built once, and again when those
change."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from functools import lru_cache

from homeassistant.components.conversation import DOMAIN as CONVERSATION_DOMAIN
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import floor_registry as fr
from homeassistant.util.hass_dict import HassKey

from ..compat import async_entity_aliases
from ..const import DOMAIN
from .automaton import CommandAutomaton
from .nearest import Vocabulary
from .sample import sample_candidates
from .templates import Templates, load
from .words import Words

_LOGGER = logging.getLogger(__name__)

MAX_NAMES = 200  # of entities, then areas, then floors

DATA_HOME_SENTENCES: HassKey[HomeSentences] = HassKey(f"{DOMAIN}_home_sentences")

type SlotValues = dict[str, list[str]]


@dataclass(frozen=True)
class HomeCommands:
    """What the home can be told in one language."""

    names: list[str]  # of exposed entities (and their aliases), then of areas and floors
    words: Words  # the language's normaliser
    automaton: CommandAutomaton | None  # None: Home Assistant has no sentences in it
    commands: list[str]  # a sample, for speech recognition
    meanings: list[int] = field(default_factory=list)  # one per command: the same, the same effect
    vocabulary: Vocabulary = field(default_factory=Vocabulary)  # the words the commands use


@callback
def async_slot_values(hass: HomeAssistant) -> SlotValues:
    """The names of exposed entities ("name", and "name|light" for one domain's), areas and
    floors, each with its aliases."""
    entities = er.async_get(hass)
    values: dict[str, dict[str, None]] = {"name": {}, "area": {}, "floor": {}}
    for state in hass.states.async_all():
        if not async_should_expose(hass, CONVERSATION_DOMAIN, state.entity_id):
            continue
        names = [state.name]
        if (entry := entities.async_get(state.entity_id)) is not None:
            names.extend(async_entity_aliases(hass, entry))
        for key in ("name", f"name|{state.domain}"):
            values.setdefault(key, {}).update(dict.fromkeys(names))
    for area in ar.async_get(hass).async_list_areas():
        values["area"].update(dict.fromkeys([area.name, *area.aliases]))
    for floor in fr.async_get(hass).async_list_floors():
        values["floor"].update(dict.fromkeys([floor.name, *floor.aliases]))
    return {
        key: [name for name in names if name and name.strip()][:MAX_NAMES]
        for key, names in values.items()
    }


class HomeSentences:
    """The home's commands per language, rebuilt (in the executor) when the names change."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self._built: dict[str, tuple[SlotValues, HomeCommands]] = {}
        self._lock = asyncio.Lock()

    async def async_commands(self, language: str) -> HomeCommands:
        """The names and commands of this home in the language."""
        values = async_slot_values(self._hass)
        async with self._lock:
            built = self._built.get(language)
            if built is not None and built[0] == values:
                return built[1]
            commands = await self._hass.async_add_executor_job(_build, language, values)
            self._built[language] = (values, commands)
            return commands


@lru_cache(maxsize=4)
def _templates(language: str) -> Templates | None:
    return load(language)


def _build(language: str, values: SlotValues) -> HomeCommands:
    names = list(dict.fromkeys(values["name"] + values["area"] + values["floor"]))[:MAX_NAMES]
    templates = _templates(language)
    if templates is None:
        _LOGGER.debug("Home Assistant has no sentences in %s", language)
        return HomeCommands(names, Words(language), None, [])
    words = Words(templates.language)
    automaton = CommandAutomaton(templates, values, words)
    _LOGGER.debug(
        "%d of %d %s templates make %d states",
        len(automaton.usable),
        len(templates.sentences),
        templates.language,
        automaton.size,
    )
    candidates = sample_candidates(
        templates, automaton.usable, values, lambda text: automaton.read(text).whole
    )
    commands = [c.text for c in candidates]
    vocabulary = Vocabulary()
    vocabulary.add(words, [*commands, *names])
    return HomeCommands(
        names, words, automaton, commands, [c.meaning for c in candidates], vocabulary
    )
