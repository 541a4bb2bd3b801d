"""The home's commands follow the home: a light added, renamed, hidden from Assist or given
an area changes what a command is, without a restart."""

from __future__ import annotations

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.setup import async_setup_component

from custom_components.indoor_voice.const import DOMAIN
from custom_components.indoor_voice.sentences.home import DATA_HOME_SENTENCES


def add_light(hass: HomeAssistant, entity_id: str, name: str) -> None:
    hass.states.async_set(entity_id, "off", {"friendly_name": name})
    async_expose_entity(hass, "conversation", entity_id, True)


async def whole(hass: HomeAssistant, text: str, language: str = "en") -> bool:
    commands = await hass.data[DATA_HOME_SENTENCES].async_commands(language)
    assert commands.automaton is not None
    return commands.automaton.read(text).whole


async def test_the_commands_follow_the_homes_names_areas_and_exposure(core: HomeAssistant) -> None:
    assert await async_setup_component(core, DOMAIN, {})
    add_light(core, "light.porch", "Porch Lamp")
    assert await whole(core, "Turn on the porch lamp")
    assert not await whole(core, "Turn on the garden lamp")

    add_light(core, "light.garden", "Garden Lamp")
    assert await whole(core, "Turn on the garden lamp")

    async_expose_entity(core, "conversation", "light.garden", False)
    assert not await whole(core, "Turn on the garden lamp")

    assert not await whole(core, "Turn off the lights in the attic")
    ar.async_get(core).async_create("Attic")
    assert await whole(core, "Turn off the lights in the attic")


async def test_the_commands_come_in_the_pipelines_language(core: HomeAssistant) -> None:
    assert await async_setup_component(core, DOMAIN, {})
    add_light(core, "light.kueche", "Küchenlicht")
    assert await whole(core, "Schalte das Küchenlicht ein", "de-DE")
    assert not await whole(core, "Schalte das Küchenlicht ein", "en")
    commands = await core.data[DATA_HOME_SENTENCES].async_commands("de-DE")
    assert any("Küchenlicht" in command for command in commands.commands)
    assert "Küchenlicht" in commands.names


async def test_a_language_home_assistant_has_no_sentences_for_has_names_but_no_commands(
    core: HomeAssistant,
) -> None:
    assert await async_setup_component(core, DOMAIN, {})
    add_light(core, "light.porch", "Porch Lamp")
    commands = await core.data[DATA_HOME_SENTENCES].async_commands("xx")
    assert commands.automaton is None
    assert commands.commands == []
    assert commands.names == ["Porch Lamp"]
