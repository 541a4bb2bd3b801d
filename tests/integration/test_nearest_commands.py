"""The commands the engine weighs are said as a household says them, and a transcript a
syllable off finds the commands nearest to it; Home Assistant's own recognizer judges
every one of them."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from custom_components.indoor_voice.compat import async_command_meaning
from custom_components.indoor_voice.const import DOMAIN
from custom_components.indoor_voice.sentences.home import DATA_HOME_SENTENCES, HomeCommands
from custom_components.indoor_voice.sentences.nearest import nearest_commands
from tests.integration.test_home_sentences import add_light

# A German and a Spanish home: two lights, one of them in the kitchen.
HOMES = {
    "de": (("light.kuechenlampe", "Küchenlampe", "Küche"), ("light.stehlampe", "Stehlampe", None)),
    "es": (("light.plafon", "Plafón", "Cocina"), ("light.flexo", "Flexo", None)),
}


async def _home(hass: HomeAssistant, language: str) -> HomeCommands:
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, DOMAIN, {})
    for entity_id, name, area in HOMES[language]:
        entry = er.async_get(hass).async_get_or_create("light", "test", entity_id.split(".")[1])
        er.async_get(hass).async_update_entity(entry.entity_id, new_entity_id=entity_id)
        add_light(hass, entity_id, name)
        if area is not None:
            area_id = ar.async_get(hass).async_create(area).id
            er.async_get(hass).async_update_entity(entity_id, area_id=area_id)
    await hass.async_block_till_done()
    return await hass.data[DATA_HOME_SENTENCES].async_commands(language)


async def test_the_commands_are_worded_as_people_say_them_and_home_assistant_knows_each(
    core: HomeAssistant,
) -> None:
    """Besides the plainest wording ("Küchenlampe 10%."), articles, little words and
    numbers in words ("… auf fünfzig Prozent"); each one naming a light a command Home
    Assistant's own recognizer matches whole, and commands of one meaning share their
    group."""
    commands = await _home(core, "de")
    texts = commands.commands
    assert "Küchenlampe 10%." in texts
    with_article = [t for t in texts if " die Küchenlampe" in t or " der Küchenlampe" in t]
    assert with_article
    spelled = [t for t in texts if "zig" in t and ("Prozent" in t or "%" in t)]
    assert spelled, "a brightness in the language's words"
    meanings: dict[int, set[tuple[str, ...]]] = {}
    lights = [
        (text, group)
        for text, group in zip(texts, commands.meanings, strict=True)
        if "Küchenlampe" in text or "Stehlampe" in text
    ]
    assert len(lights) > 100
    for text, group in lights[:: len(lights) // 50]:
        meaning = await async_command_meaning(core, text, "de")
        assert meaning is not None, text
        meanings.setdefault(group, set()).add(meaning)
    for group, seen in meanings.items():
        assert len(seen) == 1, (group, seen)


@pytest.mark.parametrize(
    ("language", "heard", "meant"),
    [
        ("de", "Schalz die Küchenlampe ein.", "Schalte die Küchenlampe ein."),
        ("de", "Immer die Stehlampe auf 50%", "Dimme die Stehlampe auf 50%."),
        (
            "de",
            "Dimme die Stehlampe auf lieb, sich Prozent.",
            "Dimme die Stehlampe auf siebzig Prozent.",
        ),
        ("es", "Encien de la luz de la cocía.", "Enciende la luz de la Cocina."),
        ("es", "Encienme el plafón.", "Enciende El Plafón."),
    ],
)
async def test_a_transcript_a_syllable_off_finds_the_command_it_nearly_is(
    core: HomeAssistant, language: str, heard: str, meant: str
) -> None:
    commands = await _home(core, language)
    assert commands.automaton is not None
    assert await async_command_meaning(core, heard, language) is None
    nearest = await core.async_add_executor_job(
        nearest_commands, heard, commands.words, commands.automaton, commands.vocabulary
    )
    assert meant.casefold() in [n.casefold() for n in nearest], nearest
    assert await async_command_meaning(core, meant, language) is not None


async def test_a_whole_command_or_a_sentence_far_from_any_has_no_nearest(
    core: HomeAssistant,
) -> None:
    commands = await _home(core, "de")
    assert commands.automaton is not None
    for text in ("Schalte die Küchenlampe ein.", "Wie wird das Wetter morgen in Berlin?"):
        nearest = nearest_commands(text, commands.words, commands.automaton, commands.vocabulary)
        assert nearest == [], (text, nearest)
