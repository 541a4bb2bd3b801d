"""Our integration with services we did not write: the official wyoming-faster-whisper and
wyoming-piper, each added as an engine, one for listening and one for speaking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.components import tts
from homeassistant.components.assist_pipeline import PipelineEventType, PipelineStage
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from custom_components.indoor_voice.const import DOMAIN, PIPELINE_NAME
from testbed.assist import (
    async_add_service,
    async_reply,
    async_voice_command,
    entity_of,
    pipeline_named,
)
from testbed.engine_process import EngineProcess
from testbed.speech import convert, espeak, read_wav, silence
from testbed.wyoming_client import sounds_like, transcribe
from tests.support.peer_process import start_piper, start_whisper


# Per test: their free ports are picked here, and sockets are allowed only inside a test.
@pytest.fixture
def whisper(tmp_path: Path) -> Iterator[EngineProcess]:
    service = start_whisper(tmp_path)
    yield service
    service.stop()


@pytest.fixture
def piper(tmp_path: Path) -> Iterator[EngineProcess]:
    service = start_piper(tmp_path)
    yield service
    service.stop()


@pytest.fixture
async def added(
    core: HomeAssistant, whisper: EngineProcess, piper: EngineProcess
) -> tuple[ConfigEntry, ConfigEntry]:
    """The household adds both services through Indoor Voice's own form."""
    return (
        await async_add_service(core, DOMAIN, whisper.host, whisper.port),
        await async_add_service(core, DOMAIN, piper.host, piper.port),
    )


async def test_the_local_pipeline_listens_with_whisper_and_speaks_with_piper(
    core: HomeAssistant, added: tuple[ConfigEntry, ConfigEntry]
) -> None:
    whisper_entry, piper_entry = added
    assert entity_of(core, whisper_entry, "stt").startswith("stt.faster_whisper")
    assert entity_of(core, piper_entry, "tts").startswith("tts.piper")

    pipeline = pipeline_named(core, PIPELINE_NAME)
    assert pipeline.stt_engine == entity_of(core, whisper_entry, "stt")
    assert pipeline.tts_engine == entity_of(core, piper_entry, "tts")
    assert pipeline.wake_word_entity is None  # neither service offers one
    assert pipeline.conversation_engine == "conversation.home_assistant"


async def test_turn_on_the_kitchen_light_through_the_official_services(
    core: HomeAssistant,
    added: tuple[ConfigEntry, ConfigEntry],
    kitchen: str,
    whisper: EngineProcess,
) -> None:
    """espeak-ng asks for the kitchen light: whisper hears it, Home Assistant turns the light
    on, and piper says so."""
    assert core.states.is_state(kitchen, "off")
    events = await async_voice_command(
        core,
        pipeline_named(core, PIPELINE_NAME).id,
        silence(0.5) + espeak("turn on the kitchen light") + silence(2.0),
        PipelineStage.STT,  # no wake word service here: as if a satellite woke up
        tts_audio_output={tts.ATTR_PREFERRED_FORMAT: "wav"},
    )

    by_type = {e.type: e.data or {} for e in events}
    assert PipelineEventType.ERROR not in by_type, by_type.get(PipelineEventType.ERROR)
    heard_command = by_type[PipelineEventType.STT_END]["stt_output"]["text"]
    assert heard_command.lower().strip(" .") == "turn on the kitchen light"
    assert core.states.is_state(kitchen, "on")

    reply = await async_reply(core, by_type[PipelineEventType.TTS_END]["tts_output"]["token"])
    pcm, rate, width, channels = read_wav(reply)
    assert (rate, width, channels) == (22050, 2, 1)  # piper's own format: nothing converted
    heard_reply = await transcribe(
        whisper.host, whisper.port, convert(pcm, rate, width, channels) + silence(1)
    )
    assert sounds_like(heard_reply, "turned on the light"), heard_reply
