"""When a command is over, decided from the engine's events and what this home can be told:
Home Assistant's own sentence templates, in en, de, fr and es, filled with the home's names
(Home Assistant's recognizer stands aside here; the end-to-end stories are in
test_end_of_speech.py)."""

from __future__ import annotations

from functools import cache

import pytest
from homeassistant.components.assist_pipeline.vad import VadSensitivity

from custom_components.indoor_voice.engines.endpointing import (
    EndOfCommand,
    SatellitePauses,
    Verdict,
    async_verdict,
    pauses_for,
)
from custom_components.indoor_voice.sentences import automaton
from custom_components.indoor_voice.sentences.automaton import CommandAutomaton
from custom_components.indoor_voice.sentences.sample import MAX_COMMANDS, sample_commands
from custom_components.indoor_voice.sentences.templates import load
from custom_components.indoor_voice.sentences.words import Words

# Each home's names, in its own language: two lights, a lock, two areas.
HOMES: dict[str, dict[str, list[str]]] = {
    "en": {
        "light": ["Kitchen Light", "Hallway Light"],
        "lock": ["Front Door"],
        "area": ["Kitchen", "Hallway"],
    },
    "de": {"light": ["Küchenlicht", "Flurlampe"], "lock": ["Haustür"], "area": ["Küche", "Flur"]},
    "fr": {
        "light": ["Lampe Cuisine", "Lampe Couloir"],
        "lock": ["Porte"],
        "area": ["Cuisine", "Couloir"],
    },
    "es": {
        "light": ["Luz Cocina", "Luz Pasillo"],
        "lock": ["Puerta"],
        "area": ["Cocina", "Pasillo"],
    },
}

BEGINNINGS = [
    ("en", "turn"),
    ("en", "the kitchen"),
    ("en", "Turn on the"),
    ("en", "Turn on the kitchen"),  # the Kitchen, or the Kitchen Light?
    ("en", "Set the hallway light to"),
    ("en", "Set the hallway light to 2"),  # "to" heard as "2", or "to 2 … percent"
    ("en", "Set the hallway light to fifty"),  # "fifty … percent"
    ("en", "Set a timer for"),
    ("de", "Schalte das"),
    ("de", "Schalte das Küchenlicht"),
    ("fr", "Allume la"),
    ("fr", "Allume la lampe"),
    ("fr", "Règle la lampe couloir à 50"),
    ("es", "Enciende la"),
    ("es", "Enciende la luz"),
    ("es", "Pon la luz pasillo al"),
]
WHOLE = [
    ("en", "Turn on the kitchen light."),
    ("en", "Set the hallway light to 50%."),
    ("en", "Set the hallway light to fifty percent."),
    ("en", "Lock the front door."),
    ("en", "What time is it?"),
    ("de", "Schalte das Küchenlicht ein."),
    ("de", "Schließe die Haustür ab."),
    ("de", "Wie spät ist es?"),
    ("fr", "Allume la lampe cuisine."),
    ("fr", "Règle la lampe couloir à 50 %."),
    ("fr", "Quelle heure est-il ?"),
    ("es", "Enciende la luz cocina."),
    ("es", "Pon la luz pasillo al 50%."),
    ("es", "¿Qué hora es?"),
]
FREE = [
    ("en", "What is the capital of France?"),
    ("en", "I think it will rain tomorrow."),
    ("de", "Was ist die Hauptstadt von Frankreich?"),
    ("fr", "Quelle est la capitale de la France ?"),
    ("es", "¿Cuál es la capital de Francia?"),
]


@cache
def home(language: str) -> CommandAutomaton:
    names = HOMES[language]
    templates = load(language)
    assert templates is not None
    values = {
        "name": names["light"] + names["lock"],
        "name|light": names["light"],
        "name|lock": names["lock"],
        "area": names["area"],
        "floor": [],
    }
    return CommandAutomaton(templates, values, Words(language))


async def not_recognized(text: str) -> bool:
    return False


async def verdict(language: str, text: str) -> Verdict:
    commands = home(language)
    return await async_verdict(text, commands.words, commands, not_recognized)


@pytest.mark.parametrize(("language", "text"), BEGINNINGS)
async def test_the_beginning_of_a_command_of_this_home_goes_on(language: str, text: str) -> None:
    assert await verdict(language, text) is Verdict.GOING_ON


@pytest.mark.parametrize(("language", "text"), WHOLE)
async def test_a_whole_command_of_this_home_is_complete(language: str, text: str) -> None:
    assert await verdict(language, text) is Verdict.COMPLETE


@pytest.mark.parametrize(("language", "text"), FREE)
async def test_a_question_or_a_free_sentence_is_open(language: str, text: str) -> None:
    assert await verdict(language, text) is Verdict.OPEN


async def test_a_name_this_home_does_not_have_begins_nothing() -> None:
    """The home decides: "the garage light" is nothing here, "the kitchen light" is."""
    assert not home("en").read("Turn on the garage light").begins
    assert home("en").read("Turn on the kitchen light").whole


async def test_home_assistants_recognizer_may_complete_a_command() -> None:
    """A command Home Assistant recognises whole ends at once, even one our automaton does
    not know; never one that still ends in a number."""

    async def recognized(text: str) -> bool:
        return True

    commands = home("en")
    opened = await async_verdict("Make it cosy in here.", commands.words, commands, recognized)
    assert opened is Verdict.COMPLETE
    number = await async_verdict("Dim it to 2", commands.words, commands, recognized)
    assert number is Verdict.GOING_ON


async def test_a_language_without_sentences_still_waits_for_numbers_and_short_beginnings() -> None:
    words = Words("en")
    assert await async_verdict("Set it to 2", words, None, not_recognized) is Verdict.GOING_ON
    assert await async_verdict("Turn", words, None, not_recognized) is Verdict.GOING_ON
    assert await async_verdict("Is it raining now?", words, None, not_recognized) is Verdict.OPEN


def test_numbers_are_one_word_in_digits_or_in_words() -> None:
    assert Words("en").split("Set it to fifty-five %.") == ["set", "it", "to", "#", "%"]
    assert Words("en").split("Set it to 55 percent") == ["set", "it", "to", "#", "percent"]
    assert Words("de").split("Auf einundzwanzig Grad") == ["auf", "#", "grad"]
    assert Words("fr").split("À vingt-et-un degrés") == ["à", "#", "degrés"]


def ender(*verdicts: Verdict, sensitivity: str = "default") -> EndOfCommand:
    said = iter(verdicts)

    async def judge(text: str) -> Verdict:
        return next(said)

    return EndOfCommand(judge, pauses_for(sensitivity))


async def test_a_complete_command_ends_at_once() -> None:
    end = ender(Verdict.COMPLETE)
    assert not await end.over("voice-started", {"timestamp": 300})
    partial = {"text": "Turn on the kitchen light.", "speech_end_ms": 2100}
    assert await end.over("partial-transcript", partial)
    assert end.reason == "command"
    assert end.as_heard == "Turn on the kitchen light."  # the engine answers with it


async def test_only_a_whole_command_is_taken_as_heard() -> None:
    """A command that ends on a pause is weighed against the home's commands by the
    engine: nothing is taken as heard."""
    end = ender(Verdict.GOING_ON, Verdict.OPEN)
    assert not await end.over("partial-transcript", {"text": "Turn on the", "speech_end_ms": 900})
    question = {"text": "Turn on the radio please", "speech_end_ms": 2000}
    assert not await end.over("partial-transcript", question)
    assert await end.over("voice-stopped", {"timestamp": 2000, "pause_ms": 810})
    assert end.as_heard is None


async def test_a_command_going_on_waits_for_the_long_pause() -> None:
    end = ender(Verdict.GOING_ON)
    assert not await end.over("partial-transcript", {"text": "Turn on the", "speech_end_ms": 900})
    assert not await end.over("voice-stopped", {"timestamp": 900, "pause_ms": 810})
    assert await end.over("voice-stopped", {"timestamp": 900, "pause_ms": 1500})
    assert end.reason == "long pause"


async def test_an_open_sentence_ends_after_the_end_pause_never_sooner() -> None:
    end = ender(Verdict.OPEN)
    question = {"text": "What is the capital of France?", "speech_end_ms": 2000}
    assert not await end.over("partial-transcript", question)
    assert await end.over("voice-stopped", {"timestamp": 2000, "pause_ms": 810})
    assert end.reason == "pause"


async def test_a_pause_whose_words_are_not_decoded_yet_waits_for_them() -> None:
    """On a busy machine the partial may come after the end pause: nothing ends before the
    words are known; then an open sentence ends, a beginning waits on."""
    end = ender(Verdict.OPEN)
    assert not await end.over("voice-stopped", {"timestamp": 2000, "pause_ms": 810})
    assert await end.over("partial-transcript", {"text": "Is it raining", "speech_end_ms": 2000})
    assert end.reason == "pause"

    end = ender(Verdict.GOING_ON)
    assert not await end.over("voice-stopped", {"timestamp": 900, "pause_ms": 810})
    assert not await end.over("partial-transcript", {"text": "Turn on the", "speech_end_ms": 900})
    assert await end.over("voice-stopped", {"timestamp": 900, "pause_ms": 1500})


@pytest.mark.parametrize("sensitivity", list(VadSensitivity))
def test_finished_speaking_keeps_its_meaning(sensitivity: VadSensitivity) -> None:
    """We never end on a pause shorter than Home Assistant's own VAD would wait for, and
    relaxed gives a slow speaker longer than default, which gives longer than aggressive."""
    pauses = pauses_for(sensitivity)
    assert pauses.end_ms >= VadSensitivity.to_seconds(sensitivity) * 1000
    order = [pauses_for(s) for s in ("aggressive", "default", "relaxed")]
    assert [p.partial_ms for p in order] == sorted(p.partial_ms for p in order)
    assert [p.end_ms for p in order] == sorted(p.end_ms for p in order)


def test_a_satellites_pauses_reach_only_the_entity_they_were_handed_to_and_only_once() -> None:
    """A command that no satellite of ours handed pauses for gets the default: another
    speech-to-text entity's, a later one's, one whose run ended first."""
    waiting = SatellitePauses()
    waiting.hand_over("stt.ours", pauses_for("relaxed"))
    assert waiting.take("stt.someone_elses") == pauses_for("default")
    assert waiting.take("stt.ours") == pauses_for("relaxed")
    assert waiting.take("stt.ours") == pauses_for("default")
    waiting.hand_over("stt.ours", pauses_for("aggressive"))
    waiting.withdraw("stt.ours")
    assert waiting.take("stt.ours") == pauses_for("default")


def test_the_automaton_stays_within_its_size_and_still_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A home with many names in a language with many templates: the automaton stops adding
    templates at its limit and answers for the ones it holds."""
    full = home("en")
    monkeypatch.setattr(automaton, "MAX_STATES", full.size // 2)
    templates = load("en")
    assert templates is not None
    values = {
        "name": HOMES["en"]["light"],
        "name|light": HOMES["en"]["light"],
        "area": [],
        "floor": [],
    }
    half = CommandAutomaton(templates, values, Words("en"))
    assert half.size < full.size // 2
    assert 0 < len(half.usable) < len(full.usable)
    held = sample_commands(templates, half.usable, values, lambda text: half.read(text).whole)
    assert held
    assert all(half.read(command).whole for command in held)


@pytest.mark.parametrize("language", list(HOMES))
def test_every_candidate_command_is_a_whole_command_with_the_homes_names(language: str) -> None:
    """The engine's candidates come from the same sentences, in the home's language."""
    commands = home(language)
    templates = load(language)
    assert templates is not None
    names = HOMES[language]
    values = {"name": names["light"] + names["lock"], "name|light": names["light"]}
    values |= {"name|lock": names["lock"], "area": names["area"], "floor": []}
    sample = sample_commands(
        templates, commands.usable, values, lambda text: commands.read(text).whole
    )
    assert 0 < len(sample) <= MAX_COMMANDS
    assert all(commands.read(command).whole for command in sample)
    assert any(names["light"][0] in command for command in sample)


def test_a_rule_of_the_sentences_own_block_makes_commands() -> None:
    """Dutch switches a light on and off through rules its sentences' block defines for
    itself ("<name_type>"): with them in place, "Zet de Plafondlamp aan." is a whole command
    of a Dutch home and its lights are switched among the candidates."""
    templates = load("nl")
    assert templates is not None
    values = {"name": ["Plafondlamp"], "name|light": ["Plafondlamp"], "area": ["Keuken"]}
    values["floor"] = []
    commands = CommandAutomaton(templates, values, Words("nl"))

    assert commands.read("Zet de Plafondlamp aan.").whole
    assert commands.read("Doe het licht in de keuken uit.").whole
    sample = sample_commands(templates, commands.usable, values, lambda t: commands.read(t).whole)
    assert {"De Plafondlamp aan.", "De Plafondlamp uit."} <= set(sample)
