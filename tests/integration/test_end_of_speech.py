"""We end a spoken command ourselves, sooner than Home Assistant's voice activity detection,
and never by cutting the speaker off. Through Home Assistant's own pipeline, the real engine
and model, the microphone at real-time pace; and through a real satellite whose "finished
speaking" select says how long to wait."""

from __future__ import annotations

from homeassistant.components.assist_pipeline import PipelineEvent, PipelineEventType, PipelineStage
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.indoor_voice.compat import ENTITY_ENDS_SPEECH
from custom_components.indoor_voice.const import PIPELINE_NAME
from custom_components.indoor_voice.engines.endpointing import DATA_SATELLITE_PAUSES, pauses_for
from testbed.assist import Microphone, async_voice_command, pipeline_named, vad_end_seconds
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import espeak, pause, silence
from tests.integration.conftest import satellite_entity_id


async def speak(hass: HomeAssistant, audio: bytes) -> tuple[list[PipelineEvent], Microphone]:
    mic = Microphone(audio)
    pipeline = pipeline_named(hass, PIPELINE_NAME).id
    events = await async_voice_command(hass, pipeline, mic, PipelineStage.STT)
    errors = [e.data for e in events if e.type is PipelineEventType.ERROR]
    assert not errors, errors
    return events, mic


def heard(events: list[PipelineEvent]) -> str:
    end = next(e for e in events if e.type is PipelineEventType.STT_END)
    assert end.data is not None
    return str(end.data["stt_output"]["text"]).lower()


async def test_a_command_ends_before_home_assistants_vad_would_end_it(
    core: HomeAssistant, engine_loaded: MockConfigEntry, kitchen: str
) -> None:
    audio = silence(0.5) + espeak("turn on the kitchen light") + silence(4.0)
    events, mic = await speak(core, audio)

    assert core.states.get(kitchen).state == "on"
    assert "kitchen light" in heard(events)
    # Home Assistant's VAD, on this very audio, would have listened until here:
    assert mic.taken_seconds < vad_end_seconds(audio)
    assert all(e.type is not PipelineEventType.STT_VAD_END for e in events)
    start = next(e for e in events if e.type is PipelineEventType.STT_START)
    if ENTITY_ENDS_SPEECH:  # Home Assistant leaves the end of speech to us
        assert start.data is not None
        assert start.data["audio_processing"]["requires_external_vad"] is False


async def test_a_command_with_a_pause_inside_is_carried_out_whole(
    core: HomeAssistant, engine_loaded: MockConfigEntry, kitchen: str
) -> None:
    """ "turn off the … kitchen light": "turn off the" is no command, and the pause is too
    short to be the end."""
    await core.services.async_call("light", "turn_on", {"entity_id": kitchen}, blocking=True)
    audio = (
        silence(0.5)
        + pause(espeak("turn off the"), espeak("kitchen light"), seconds=0.6)
        + silence(4.0)
    )
    events, _mic = await speak(core, audio)

    assert "kitchen light" in heard(events)
    assert core.states.get(kitchen).state == "off"


async def test_a_question_that_is_no_home_command_is_transcribed_freely(
    core: HomeAssistant, engine_loaded: MockConfigEntry, kitchen: str
) -> None:
    audio = silence(0.5) + espeak("what is the capital of france") + silence(4.0)
    events, mic = await speak(core, audio)

    assert "capital of france" in heard(events)
    assert mic.taken_seconds < len(audio) / 2 / 16_000  # ended by the pause, not the stream


async def test_relaxed_never_cuts_off_a_slow_speaker(
    core: HomeAssistant, engine_loaded: MockConfigEntry, kitchen: str
) -> None:
    """ "turn off the kitchen … light" with a whole second to find the word: "turn off the
    kitchen" could be the end of a sentence, and default would end there; a satellite set to
    "relaxed" finished-speaking sensitivity waits."""
    await core.services.async_call("light", "turn_on", {"entity_id": kitchen}, blocking=True)
    audio = (
        silence(0.5)
        + pause(espeak("turn off the kitchen"), espeak("light"), seconds=1.0)
        + silence(4.0)
    )
    # As our satellite does from its select entity when the run starts speech-to-text:
    stt = pipeline_named(core, PIPELINE_NAME).stt_engine
    assert stt is not None
    core.data[DATA_SATELLITE_PAUSES].hand_over(stt, pauses_for("relaxed"))
    events, _mic = await speak(core, audio)

    assert "kitchen light" in heard(events)
    assert core.states.get(kitchen).state == "off"


async def test_a_satellite_set_to_relaxed_waits_for_a_slow_speaker(
    core: HomeAssistant, living_room: tuple[SatelliteProcess, ConfigEntry], kitchen: str
) -> None:
    """The same slow "turn off the kitchen … light", said to one of our satellites whose
    "finished speaking" select the household set to relaxed."""
    satellite, entry = living_room
    await core.services.async_call("light", "turn_on", {"entity_id": kitchen}, blocking=True)
    select = satellite_entity_id(core, entry, "select", "vad_sensitivity")
    await core.services.async_call(
        "select", "select_option", {"entity_id": select, "option": "relaxed"}, blocking=True
    )
    satellite_state = satellite_entity_id(core, entry, "assist_satellite", "assist_satellite")

    await satellite.microphone.hear(
        silence(1.0)
        + espeak("hey jarvis")
        + pause(espeak("turn off the kitchen"), espeak("light"), seconds=1.0)
        + silence(3.0)
    )
    await wait_for(lambda: core.states.get(satellite_state).state == "idle", "the satellite")

    assert core.states.get(kitchen).state == "off"
