"""A spoken command, end to end, through Home Assistant's own Assist pipeline."""

from __future__ import annotations

from homeassistant.components import assist_pipeline, tts
from homeassistant.components.assist_pipeline import PipelineEventType, PipelineStage
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.indoor_voice.const import PIPELINE_NAME
from tests.support.assist import async_reply, async_voice_command, pipeline_named
from tests.support.engine_process import EngineProcess
from tests.support.speech import convert, espeak, read_wav, silence
from tests.support.wyoming_client import sounds_like, transcribe


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
    assert core.states.get(kitchen).state == "off"
    audio = (
        silence(1.0)
        + espeak("hey jarvis")
        + silence(0.6)
        + espeak("turn on the kitchen light")
        + silence(2.5)
    )
    events = await async_voice_command(
        core,
        our_pipeline(core).id,
        audio,
        PipelineStage.WAKE_WORD,
        tts_audio_output={tts.ATTR_PREFERRED_FORMAT: "wav"},
    )

    by_type = {e.type: e.data for e in events}
    assert PipelineEventType.ERROR not in by_type, by_type.get(PipelineEventType.ERROR)
    assert (
        by_type[PipelineEventType.WAKE_WORD_END]["wake_word_output"]["wake_word_id"] == "hey_jarvis"
    )
    assert (
        by_type[PipelineEventType.STT_END]["stt_output"]["text"]
        .lower()
        .startswith("turn on the kitchen light")
    )
    assert core.states.get(kitchen).state == "on"
    assert events[-1].type is PipelineEventType.RUN_END

    reply = await async_reply(core, by_type[PipelineEventType.TTS_END]["tts_output"]["token"])
    pcm, rate, width, channels = read_wav(reply)
    assert (rate, width, channels) == (22050, 2, 1)  # the engine's own format: nothing converted
    heard = await transcribe(
        engine_process.host, engine_process.port, convert(pcm, rate, 2, 1) + silence(1)
    )
    assert sounds_like(heard, "turned on the light"), heard
