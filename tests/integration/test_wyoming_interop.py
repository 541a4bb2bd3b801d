"""Home Assistant's own wyoming integration, a client we did not write, uses our engine."""

from __future__ import annotations

from collections.abc import AsyncIterator

from homeassistant.components import stt, tts, wake_word
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from testbed.assist import METADATA, microphone
from testbed.engine_process import EngineProcess
from testbed.speech import convert, espeak, paced, read_wav, silence
from testbed.wyoming_client import sounds_like, transcribe
from tests.integration.conftest import add_wyoming_integration


async def _timed_chunks(pcm: bytes) -> AsyncIterator[tuple[bytes, int]]:
    """10 ms chunks with their timestamps, at a microphone's pace: Home Assistant's wyoming
    wake word stops listening when its stream ends, so audio sent faster than it is spoken
    would be over before any detector had heard it."""
    milliseconds = 0
    async for chunk in paced(pcm, 10):
        yield chunk, milliseconds
        milliseconds += 10


async def test_home_assistants_wyoming_integration_transcribes_speaks_and_wakes(
    core: HomeAssistant, engine_process: EngineProcess
) -> None:
    entry = await add_wyoming_integration(core, engine_process)
    entities = {
        e.domain: e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(core), entry.entry_id)
    }
    assert set(entities) == {"stt", "tts", "wake_word"}

    speech_to_text = stt.async_get_speech_to_text_entity(core, entities["stt"])
    result = await speech_to_text.internal_async_process_audio_stream(
        METADATA, microphone(silence(0.3) + espeak("turn on the kitchen light") + silence(1.0))
    )
    assert result.result is stt.SpeechResultState.SUCCESS
    assert result.text.lower().rstrip(".") == "turn on the kitchen light"

    media_id = tts.generate_media_source_id(
        core,
        "The kitchen light is on.",
        entities["tts"],
        "en_US",
        options={tts.ATTR_PREFERRED_FORMAT: "wav"},
        cache=False,
    )
    extension, wav = await tts.async_get_media_source_audio(core, media_id)
    assert extension == "wav"
    pcm, rate, _, _ = read_wav(wav)
    heard = await transcribe(
        engine_process.host, engine_process.port, convert(pcm, rate, 2, 1) + silence(1)
    )
    assert sounds_like(heard, "the kitchen light is on"), heard

    detector = wake_word.async_get_wake_word_detection_entity(core, entities["wake_word"])
    detection = await detector.async_process_audio_stream(
        _timed_chunks(silence(1.0) + espeak("hey jarvis") + silence(1.0)), "hey_jarvis"
    )
    assert detection is not None and detection.wake_word_id == "hey_jarvis"
