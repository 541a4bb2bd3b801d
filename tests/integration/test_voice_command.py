"""A spoken command, end to end, through Home Assistant's own Assist pipeline."""

from __future__ import annotations

import pytest
from homeassistant.components import assist_pipeline
from homeassistant.components.assist_pipeline import PipelineEventType, PipelineStage
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.indoor_voice.const import PIPELINE_NAME
from testbed.assist import (
    async_hey_jarvis_turn_on_the_kitchen_light,
    async_voice_command,
    pipeline_named,
)
from testbed.engine_process import EngineProcess
from testbed.flaky_link import flaky_link
from testbed.speech import espeak, silence
from tests.integration.conftest import engine_entry


def our_pipeline(hass: HomeAssistant) -> assist_pipeline.Pipeline:
    return pipeline_named(hass, PIPELINE_NAME)


async def test_the_pipeline_uses_our_engines(
    core: HomeAssistant, engine_loaded: MockConfigEntry
) -> None:
    pipeline = our_pipeline(core)
    assert pipeline.stt_engine == "stt.indoor_voice_engine_127_0_0_1_speech_to_text"
    assert pipeline.tts_engine == "tts.indoor_voice_engine_127_0_0_1_text_to_speech"
    assert pipeline.wake_word_entity == "wake_word.indoor_voice_engine_127_0_0_1_wake_word"
    assert pipeline.wake_word_id == "hey_jarvis"
    assert pipeline.conversation_engine == "conversation.home_assistant"
    assert pipeline.prefer_local_intents
    assert (pipeline.stt_language, pipeline.tts_language) == ("en", "en_US")
    assert pipeline.tts_voice is None  # the engine's own default voice, until the household picks


async def test_hey_jarvis_turn_on_the_kitchen_light(
    core: HomeAssistant, engine_loaded: MockConfigEntry, kitchen: str, engine_process: EngineProcess
) -> None:
    """espeak-ng says "hey jarvis", then "turn on the kitchen light": the light goes on and
    the reply is spoken."""
    await async_hey_jarvis_turn_on_the_kitchen_light(
        core, kitchen, engine_process.host, engine_process.port
    )


@pytest.mark.parametrize("paced", [True, False], ids=["real-time", "all-at-once"])
async def test_a_wake_word_answered_late_still_hears_the_whole_command(
    core: HomeAssistant, kitchen: str, engine_process: EngineProcess, paced: bool
) -> None:
    """The engine, busy with another room, answers "hey jarvis" 1.5 s after it was said. By
    then the satellite's audio has run on into the command, sent to the engine to listen
    for the wake word: that audio still reaches speech-to-text, and the command is whole.
    All at once: the audio has even ended before the answer comes."""
    async with flaky_link(engine_process.host, engine_process.port, answer_lag=1.5) as link:
        entry = engine_entry(engine_process, port=link.port)
        entry.add_to_hass(core)
        assert await core.config_entries.async_setup(entry.entry_id)
        await core.async_block_till_done()
        await async_hey_jarvis_turn_on_the_kitchen_light(
            core, kitchen, engine_process.host, engine_process.port, paced=paced
        )
        assert await core.config_entries.async_unload(entry.entry_id)


async def test_a_command_without_the_wake_word_is_not_acted_on(
    core: HomeAssistant, engine_loaded: MockConfigEntry, kitchen: str
) -> None:
    """A command with no "hey jarvis" before it: the audio ends, the engine has heard no
    wake word, and the run stops there; the light stays off."""
    audio = silence(0.5) + espeak("turn on the kitchen light") + silence(1.0)
    events = await async_voice_command(core, our_pipeline(core).id, audio, PipelineStage.WAKE_WORD)
    by_type = {e.type: e.data for e in events}
    assert by_type[PipelineEventType.WAKE_WORD_END] == {"wake_word_output": {}}
    assert PipelineEventType.STT_START not in by_type
    assert core.states.get(kitchen).state == "off"
