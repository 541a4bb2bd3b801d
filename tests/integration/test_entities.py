"""The engine's entities: identity, availability, and what they do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from homeassistant.components import stt, tts
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.indoor_voice.const import DOMAIN
from testbed.assist import METADATA, microphone
from testbed.engine_process import start_engine
from testbed.speech import espeak, read_wav, silence
from tests.integration.conftest import engine_entry

STT = "stt.indoor_voice_engine_127_0_0_1_speech_to_text"
TTS = "tts.indoor_voice_engine_127_0_0_1_text_to_speech"
WAKE = "wake_word.indoor_voice_engine_127_0_0_1_wake_word"


async def _transcribe(hass: HomeAssistant, entity_id: str, pcm: bytes) -> stt.SpeechResult:
    entity = stt.async_get_speech_to_text_entity(hass, entity_id)
    assert entity is not None
    return await entity.internal_async_process_audio_stream(METADATA, microphone(pcm))


async def test_entities_have_unique_ids_and_one_device(
    core: HomeAssistant, engine_loaded: MockConfigEntry
) -> None:
    entities = er.async_get(core)
    ids = {
        e.entity_id: e.unique_id
        for e in er.async_entries_for_config_entry(entities, engine_loaded.entry_id)
    }
    entry_id = engine_loaded.entry_id
    assert ids == {STT: f"{entry_id}-stt", TTS: f"{entry_id}-tts", WAKE: f"{entry_id}-wake_word"}
    devices = dr.async_entries_for_config_entry(dr.async_get(core), entry_id)
    assert [(d.name, d.manufacturer, d.entry_type) for d in devices] == [
        ("Indoor Voice engine (127.0.0.1)", "Indoor Voice", dr.DeviceEntryType.SERVICE)
    ]
    assert core.states.get(STT).name == "Indoor Voice engine (127.0.0.1) Speech-to-text"


async def test_speech_to_text_hears_the_names_of_the_home(
    core: HomeAssistant, engine_loaded: MockConfigEntry
) -> None:
    """The integration tells the engine what exposed things are called, so an unusual name
    ("Nyx Lamp") is written the household's way."""
    command = silence(0.3) + espeak("turn on the nyx lamp") + silence(1.0)
    before = await _transcribe(core, STT, command)
    assert before.result is stt.SpeechResultState.SUCCESS
    assert "nyx" not in (before.text or "").lower()

    assert await async_setup_component(
        core, "input_boolean", {"input_boolean": {"nyx_lamp": {"name": "Nyx Lamp"}}}
    )
    async_expose_entity(core, "conversation", "input_boolean.nyx_lamp", True)
    after = await _transcribe(core, STT, command)
    assert "nyx lamp" in (after.text or "").lower()


async def test_text_to_speech_returns_the_format_asked_for(
    core: HomeAssistant, engine_loaded: MockConfigEntry
) -> None:
    entity = tts.async_get_entity(core, TTS) if hasattr(tts, "async_get_entity") else None
    engine = core.data[tts.DATA_COMPONENT].get_entity(TTS) if entity is None else entity
    response = await engine.internal_async_stream_tts_audio(
        tts.TTSAudioRequest(
            "en_US",
            {
                tts.ATTR_PREFERRED_SAMPLE_RATE: 16000,
                tts.ATTR_PREFERRED_SAMPLE_CHANNELS: 2,
                tts.ATTR_PREFERRED_SAMPLE_BYTES: 2,
            },
            _one("The garage door is closed."),
        )
    )
    data = b"".join([chunk async for chunk in response.data_gen])
    pcm, rate, width, channels = read_wav(data)
    assert (response.extension, rate, width, channels) == ("wav", 16000, 2, 2)
    assert 1.0 < len(pcm) / (rate * width * channels) < 4.0


async def _one(text: str) -> AsyncIterator[str]:
    yield text


async def test_entities_go_unavailable_with_the_engine_and_come_back(
    core: HomeAssistant, tmp_path: Path
) -> None:
    """The engine is killed mid-session: a request fails, the entities go unavailable; the
    engine comes back: the next health check finds it and speech works again, no restart."""
    engine = await core.async_add_executor_job(start_engine, tmp_path)
    try:
        entry = engine_entry(engine)
        entry.add_to_hass(core)
        assert await core.config_entries.async_setup(entry.entry_id)
        await core.async_block_till_done()
        ids = [
            e.entity_id
            for e in er.async_entries_for_config_entry(er.async_get(core), entry.entry_id)
        ]
        assert all(core.states.get(i).state != STATE_UNAVAILABLE for i in ids)

        await core.async_add_executor_job(engine.kill)
        result = await _transcribe(core, _stt(ids), silence(0.5))
        assert result.result is stt.SpeechResultState.ERROR
        await _next_health_check(core)
        assert all(core.states.get(i).state == STATE_UNAVAILABLE for i in ids)

        await core.async_add_executor_job(engine.launch)
        await _next_health_check(core)
        assert all(core.states.get(i).state != STATE_UNAVAILABLE for i in ids)
        result = await _transcribe(
            core, _stt(ids), silence(0.3) + espeak("lock the front door") + silence(1)
        )
        assert "front door" in (result.text or "").lower()
    finally:
        await core.async_add_executor_job(engine.stop)


def _stt(ids: list[str]) -> str:
    return next(i for i in ids if i.startswith("stt."))


async def _next_health_check(hass: HomeAssistant) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_an_engine_that_is_down_at_start_is_retried(core: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN, data={"kind": "engine", "host": "127.0.0.1", "port": 9})
    entry.add_to_hass(core)
    assert not await core.config_entries.async_setup(entry.entry_id)
    assert entry.state.name == "SETUP_RETRY"
