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
from custom_components.indoor_voice.sentences.nearest import MAX_RIVALS, nearest_commands, rivals
from testbed.assist import switched_light

# A German and a Spanish home: two lights, one of them in the kitchen.
HOMES = {
    "de": (("kueche", "Küchenlampe", "Küche"), ("wohnzimmer", "Stehlampe", None)),
    "es": (("cocina", "Plafón", "Cocina"), ("oficina", "Flexo", None)),
}


async def _home(hass: HomeAssistant, language: str) -> HomeCommands:
    """Home Assistant in the language, its two lights (template lights, as a household's
    lights are entities of an integration)."""
    hass.config.language = language
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, DOMAIN, {})
    booleans = {f"{key}_power": {} for key, _name, _area in HOMES[language]}
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": booleans})
    lights = [switched_light(name, key) for key, name, _area in HOMES[language]]
    assert await async_setup_component(hass, "template", {"template": [{"light": lights}]})
    await hass.async_block_till_done()
    entities = er.async_get(hass)
    for key, _name, area in HOMES[language]:
        if area is not None:
            entity_id = entities.async_get_entity_id("light", "template", f"{key}_light")
            assert entity_id is not None
            area_id = ar.async_get(hass).async_create(area).id
            entities.async_update_entity(entity_id, area_id=area_id)
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
    assert any(text.endswith("Küchenlampe 10%.") for text in texts)  # the plainest
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
        meanings.setdefault(group, set()).add(_effect(meaning))
    for group, seen in meanings.items():
        assert len(seen) == 1, (group, seen)


def _effect(meaning: tuple[str, ...]) -> tuple[str, ...]:
    """What a command does: a light named is that light, in whichever area it is said to be."""
    named = any(slot.startswith("name=") for slot in meaning)
    return tuple(s for s in meaning if not (named and s.startswith(("area=", "floor="))))


@pytest.mark.parametrize(
    ("language", "heard", "meant"),
    [
        ("de", "Schalz die Küchenlampe ein.", "Schalte die Küchenlampe ein."),
        # Two words run together, the second a number in words to the sentences ("ein").
        ("de", "Schatze, Küchenampein.", "Schalte Küchenlampe ein."),
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


async def test_the_nearest_come_with_the_commands_a_word_away_that_do_something_else(
    core: HomeAssistant,
) -> None:
    """Whisper may hear one light's name as another's: the other light's command goes with
    the nearest, for the engine to weigh them against each other."""
    commands = await _home(core, "de")
    nearest = ["Schalte die Küchenlampe aus."]
    others = rivals(nearest, commands.commands, commands.meanings, commands.words)
    said = {text.casefold() for text in others}
    assert "schalte die stehlampe aus." in said or "schalte die stehlampe ein." in said, others
    assert all(text not in nearest for text in others)
    assert len(others) <= MAX_RIVALS
