"""A spoken command, end to end, through Home Assistant's own Assist pipeline."""

from __future__ import annotations

from homeassistant.components import assist_pipeline
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.indoor_voice.const import PIPELINE_NAME
from testbed.assist import async_hey_jarvis_turn_on_the_kitchen_light, pipeline_named
from testbed.engine_process import EngineProcess


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
