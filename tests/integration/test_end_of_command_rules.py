"""When a command is over, decided from the engine's events (the recognizer faked: the
end-to-end stories are in test_end_of_speech.py)."""

from __future__ import annotations

import pytest
from homeassistant.components.assist_pipeline.vad import VadSensitivity

from custom_components.indoor_voice.engines.endpointing import (
    EndOfCommand,
    SatellitePauses,
    pauses_for,
    unfinished,
)

COMMANDS = {"Turn on the kitchen light."}


async def is_command(text: str) -> bool:
    return text in COMMANDS


def ender(sensitivity: str = "default") -> EndOfCommand:
    return EndOfCommand(is_command, pauses_for(sensitivity))


@pytest.mark.parametrize("text", ["", "Turn on the", "Set the light to", "Lock the front,"])
def test_words_that_cannot_end_a_command(text: str) -> None:
    assert unfinished(text)


@pytest.mark.parametrize(
    "text", ["Turn on the kitchen light.", "What is the capital of France?", "Set it to 50%."]
)
def test_words_that_can(text: str) -> None:
    assert not unfinished(text)


async def test_a_complete_command_ends_at_once() -> None:
    end = ender()
    assert not await end.over("voice-started", {"timestamp": 300})
    partial = {"text": "Turn on the kitchen light.", "speech_end_ms": 2100}
    assert await end.over("partial-transcript", partial)
    assert end.reason == "command"


async def test_an_unfinished_command_waits_for_the_long_pause() -> None:
    end = ender()
    assert not await end.over("partial-transcript", {"text": "Turn on the", "speech_end_ms": 900})
    assert not await end.over("voice-stopped", {"timestamp": 900, "pause_ms": 810})
    assert await end.over("voice-stopped", {"timestamp": 900, "pause_ms": 1500})
    assert end.reason == "long pause"


async def test_anything_else_ends_after_the_pause() -> None:
    end = ender()
    question = {"text": "What is the capital of France?", "speech_end_ms": 2000}
    assert not await end.over("partial-transcript", question)
    assert await end.over("voice-stopped", {"timestamp": 2000, "pause_ms": 810})
    assert end.reason == "pause"


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
