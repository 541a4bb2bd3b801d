"""Driving Home Assistant's Assist like a household does: a home with a kitchen light,
speech services and satellites added through their config flows, a microphone, the spoken
reply.

Used by the integration tests, scripts/bench's end-to-end figures and scripts/soak.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from homeassistant.components import assist_pipeline, stt, tts
from homeassistant.components.assist_pipeline import PipelineEvent, PipelineEventType, PipelineStage
from homeassistant.components.assist_pipeline.pipeline import (
    KEY_ASSIST_PIPELINE,
    WakeWordSettings,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import Context, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from custom_components.indoor_voice.const import DOMAIN, PIPELINE_NAME
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import RATE, convert, espeak, paced, read_wav, silence
from testbed.wyoming_client import sounds_like, transcribe

KITCHEN_LIGHT = "light.kitchen_light"
CHUNK_BYTES = 320  # 10 ms of 16 kHz 16-bit mono: what satellites send at a time

METADATA = stt.SpeechMetadata(
    language="en",
    format=stt.AudioFormats.WAV,
    codec=stt.AudioCodecs.PCM,
    bit_rate=stt.AudioBitRates.BITRATE_16,
    sample_rate=stt.AudioSampleRates.SAMPLERATE_16000,
    channel=stt.AudioChannels.CHANNEL_MONO,
)


def switched_light(name: str, key: str) -> dict[str, Any]:
    """A template light called `name` over input_boolean.<key>_power."""
    power = f"input_boolean.{key}_power"
    return {
        "name": name,
        "unique_id": f"{key}_light",
        "state": f"{{{{ is_state('{power}', 'on') }}}}",
        "turn_on": {"action": "input_boolean.turn_on", "target": {"entity_id": power}},
        "turn_off": {"action": "input_boolean.turn_off", "target": {"entity_id": power}},
    }


async def async_setup_kitchen(hass: HomeAssistant) -> str:
    """A home with a "Kitchen Light" (a template light over an input_boolean)."""
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"kitchen_power": {}}}
    )
    light = switched_light("Kitchen Light", "kitchen")
    assert await async_setup_component(hass, "template", {"template": [{"light": [light]}]})
    await hass.async_block_till_done()
    assert hass.states.get(KITCHEN_LIGHT) is not None
    return KITCHEN_LIGHT


THREE_ROOMS = {
    "kitchen": KITCHEN_LIGHT,
    "hallway": "light.hallway_light",
    "bedroom": "light.bedroom_light",
}


async def async_setup_three_rooms(hass: HomeAssistant) -> str:
    """A home with a Kitchen, a Hallway and a Bedroom Light (switched, as the kitchen's);
    returns the kitchen's, as async_setup_kitchen does."""
    booleans = {f"{room}_power": {} for room in THREE_ROOMS}
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": booleans})
    lights = [switched_light(f"{room.title()} Light", room) for room in THREE_ROOMS]
    assert await async_setup_component(hass, "template", {"template": [{"light": lights}]})
    await hass.async_block_till_done()
    for light in THREE_ROOMS.values():
        assert hass.states.get(light) is not None, light
    return KITCHEN_LIGHT


async def async_add_service(hass: HomeAssistant, domain: str, host: str, port: int) -> ConfigEntry:
    """Add a speech service the way a household does: the integration's form, host and port."""
    flow = await hass.config_entries.flow.async_init(domain, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_HOST: host, CONF_PORT: port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    entry: ConfigEntry = result["result"]
    await hass.async_block_till_done()
    return entry


async def add_satellite(
    hass: HomeAssistant, satellite: SatelliteProcess, *, port: int | None = None
) -> ConfigEntry:
    """What a household does: host and port, then the code the satellite shows. `port`: one
    that leads to the satellite's (a link in between), if not the satellite's own."""
    flow = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_HOST: satellite.host, CONF_PORT: port or satellite.port}
    )
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "pair"
    code = await hass.async_add_executor_job(satellite.pairing_code)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"pairing_code": code})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    entry: ConfigEntry = result["result"]
    await hass.async_block_till_done()
    await wait_for(lambda: entry.runtime_data.connected, "the satellite to connect")
    return entry


def entity_of(hass: HomeAssistant, entry: ConfigEntry, domain: str) -> str:
    """The entity of a config entry on one platform (stt, tts, wake_word)."""
    found = [
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.domain == domain
    ]
    assert len(found) == 1, found
    return found[0]


def pipeline_named(hass: HomeAssistant, name: str) -> assist_pipeline.Pipeline:
    return next(p for p in assist_pipeline.async_get_pipelines(hass) if p.name == name)


async def microphone(pcm: bytes) -> AsyncIterator[bytes]:
    """A microphone: 10 ms chunks, as satellites send them (as fast as they are taken)."""
    for start in range(0, len(pcm), CHUNK_BYTES):
        yield pcm[start : start + CHUNK_BYTES]


class Microphone:
    """A microphone at real-time pace (`stretch` times slower), 10 ms at a time; knows how
    much of the audio was taken before the listener stopped listening."""

    def __init__(self, pcm: bytes, stretch: float = 1.0) -> None:
        self.pcm = pcm
        self.stretch = stretch
        self.taken = 0  # bytes

    @property
    def taken_seconds(self) -> float:
        return self.taken / 2 / RATE

    async def stream(self) -> AsyncIterator[bytes]:
        async for chunk in paced(self.pcm, 10, self.stretch):
            self.taken += len(chunk)
            yield chunk


async def async_voice_command(
    hass: HomeAssistant,
    pipeline_id: str,
    audio: bytes | Microphone,
    start_stage: PipelineStage,
    tts_audio_output: str | dict[str, Any] | None = None,
) -> list[PipelineEvent]:
    """Speak into a pipeline, from the wake word or speech-to-text stage to a spoken reply,
    as a satellite would (audio as fast as it is taken, or a paced microphone); every event
    of the run."""
    events: list[PipelineEvent] = []
    await assist_pipeline.async_pipeline_from_audio_stream(
        hass,
        context=Context(),
        event_callback=events.append,
        stt_metadata=METADATA,
        stt_stream=audio.stream() if isinstance(audio, Microphone) else microphone(audio),
        pipeline_id=pipeline_id,
        start_stage=start_stage,
        end_stage=PipelineStage.TTS,
        wake_word_settings=WakeWordSettings(timeout=10),
        tts_audio_output=tts_audio_output,
    )
    await hass.async_block_till_done()
    return events


async def async_reply(hass: HomeAssistant, token: str) -> bytes:
    """All of a pipeline run's spoken reply, from its TTS stream."""
    stream = tts.async_get_stream(hass, token)
    assert stream is not None
    return b"".join([chunk async for chunk in stream.async_stream_result()])


async def async_hey_jarvis_turn_on_the_kitchen_light(
    hass: HomeAssistant, kitchen: str, engine_host: str, engine_port: int, *, paced: bool = False
) -> None:
    """espeak-ng says "hey jarvis", then "turn on the kitchen light" into the Indoor Voice
    pipeline: the wake word is heard, the command transcribed, the light goes on, and the
    spoken reply (in the engine's own format, nothing converted) says so to the engine's ear.
    `paced`: the microphone gives its audio at real-time pace (else as fast as it is taken)."""
    assert hass.states.get(kitchen).state == "off"
    audio = (
        silence(1.0)
        + espeak("hey jarvis")
        + silence(0.6)
        + espeak("turn on the kitchen light")
        + silence(2.5)
    )
    events = await async_voice_command(
        hass,
        pipeline_named(hass, PIPELINE_NAME).id,
        Microphone(audio) if paced else audio,
        PipelineStage.WAKE_WORD,
        tts_audio_output={tts.ATTR_PREFERRED_FORMAT: "wav"},
    )

    by_type = {e.type: e.data for e in events}
    assert PipelineEventType.ERROR not in by_type, by_type.get(PipelineEventType.ERROR)
    assert (
        by_type[PipelineEventType.WAKE_WORD_END]["wake_word_output"]["wake_word_id"] == "hey_jarvis"
    )
    text = by_type[PipelineEventType.STT_END]["stt_output"]["text"]
    assert text.lower().startswith("turn on the kitchen light"), text
    assert hass.states.get(kitchen).state == "on"
    assert events[-1].type is PipelineEventType.RUN_END

    reply = await async_reply(hass, by_type[PipelineEventType.TTS_END]["tts_output"]["token"])
    pcm, rate, width, channels = read_wav(reply)
    assert (rate, width, channels) == (22050, 2, 1)
    heard = await transcribe(engine_host, engine_port, convert(pcm, rate, 2, 1) + silence(1))
    assert sounds_like(heard, "turned on the light"), heard


def vad_end_seconds(pcm: bytes, silence_seconds: float = 0.7) -> float:
    """Where Home Assistant's own voice activity detection (microVAD, as its pipeline runs
    it by default) ends a command in this audio, in seconds from its start."""
    from homeassistant.components.assist_pipeline.audio_enhancer import (  # noqa: PLC0415
        MicroVadSpeexEnhancer,
    )
    from homeassistant.components.assist_pipeline.vad import (  # noqa: PLC0415
        VoiceCommandSegmenter,
    )

    enhancer = MicroVadSpeexEnhancer(0, 0, is_vad_enabled=True)
    segmenter = VoiceCommandSegmenter(silence_seconds=silence_seconds)
    for index, start in enumerate(range(0, len(pcm) - CHUNK_BYTES + 1, CHUNK_BYTES)):
        chunk = enhancer.enhance_chunk(pcm[start : start + CHUNK_BYTES], index * 10)
        if not segmenter.process(0.01, chunk.speech_probability):
            return (index + 1) / 100
    return len(pcm) / 2 / RATE


@dataclass(frozen=True)
class RunOutcome:
    """What one of Home Assistant's pipeline runs handed the conversation agent, and what came
    back: the response type, "error <code>", or "no answer"."""

    device_id: str | None
    said: str | None
    answer: str

    def __str__(self) -> str:
        return f"{self.said!r} -> {self.answer}"


def pipeline_outcomes(hass: HomeAssistant) -> dict[str, RunOutcome]:
    """Every pipeline run Home Assistant keeps for debugging, by run id: to tell why a command
    was not carried out."""
    outcomes = {}
    for runs in hass.data[KEY_ASSIST_PIPELINE].pipeline_debug.values():
        for run_id, debug in runs.items():
            device = said = None
            answer = "no answer"
            for event in debug.events:
                data = event.data or {}
                if event.type is PipelineEventType.INTENT_START:
                    device, said = data.get("device_id"), data.get("intent_input")
                elif event.type is PipelineEventType.INTENT_END:
                    response = data.get("intent_output", {}).get("response", {})
                    answer = str(response.get("response_type"))
                    if answer == "error":
                        answer += f" {response.get('data', {}).get('code')}"
                elif event.type is PipelineEventType.ERROR:
                    answer = f"error {data.get('code')}"
            outcomes[run_id] = RunOutcome(device, said, answer)
    return outcomes
