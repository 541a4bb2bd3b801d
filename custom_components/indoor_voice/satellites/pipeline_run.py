"""A satellite's side of an Assist pipeline run, in Wyoming terms: the stages its
`run-pipeline` asks for, the command's audio on its way in, and what the satellite is told of
the run (that speech started and stopped, that a transcript exists, an error) — never the
transcript or the reply's text."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

from homeassistant.components import assist_pipeline
from homeassistant.components.assist_pipeline import PipelineEvent, PipelineEventType
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioChunkConverter
from wyoming.error import Error
from wyoming.event import Event
from wyoming.pipeline import PipelineStage, RunPipeline
from wyoming.vad import VoiceStarted, VoiceStopped

from ..const import MAX_ACTIVE_WAKE_WORDS, PIPELINE_FORMAT
from ..entries import entity_id_of, pipeline_key
from ..link import protocol, wake_print
from .arbiter import Hearing

_STAGES = {
    PipelineStage.WAKE: assist_pipeline.PipelineStage.WAKE_WORD,
    PipelineStage.ASR: assist_pipeline.PipelineStage.STT,
    PipelineStage.HANDLE: assist_pipeline.PipelineStage.INTENT,
    PipelineStage.TTS: assist_pipeline.PipelineStage.TTS,
}


def start_stage(run: RunPipeline) -> assist_pipeline.PipelineStage:
    return _STAGES.get(run.start_stage, assist_pipeline.PipelineStage.STT)


def end_stage(run: RunPipeline) -> assist_pipeline.PipelineStage:
    return _STAGES.get(run.end_stage, assist_pipeline.PipelineStage.TTS)


def wake_word_name(run_pipeline: Event) -> str | None:
    """The name of the wake word that started the run, if the satellite says.

    Read from the event: wyoming before 1.7 (Home Assistant 2025.4's pin) has no
    `wake_word_name` in RunPipeline and drops it when parsing.
    """
    name = run_pipeline.data.get("wake_word_name")
    return name if isinstance(name, str) else None


def pipeline_index(wake_word_name: str | None, active: list[str], most: int) -> int:
    """Which of the satellite's pipelines a wake word starts: the second active wake word
    the second pipeline (and so on, up to `most`); any other, the first."""
    return active.index(wake_word_name) if wake_word_name in active[:most] else 0


@callback
def chosen_pipelines(hass: HomeAssistant, entry_id: str) -> list[str | None]:
    """The id of the pipeline each wake word's select of a satellite names, in order
    (None while a select or its pipeline does not exist)."""
    chosen: list[str | None] = []
    for index in range(MAX_ACTIVE_WAKE_WORDS):
        select = entity_id_of(hass, Platform.SELECT, entry_id, pipeline_key(index))
        state = hass.states.get(select) if select else None
        pipeline_id = None
        if state is not None:
            named = [
                p.id for p in assist_pipeline.async_get_pipelines(hass) if p.name == state.state
            ]
            with contextlib.suppress(assist_pipeline.PipelineNotFound):
                pipeline_id = named[0] if named else assist_pipeline.async_get_pipeline(hass).id
        chosen.append(pipeline_id)
    return chosen


def hearing(run_pipeline: Event, satellite: str) -> Hearing | None:
    """How well the satellite heard its wake word, for the arbiter; None for an answer Home
    Assistant asked for (a follow-up: no wake word, nothing to judge)."""
    data = run_pipeline.data
    if data.get(protocol.FOLLOW_UP) is True:
        return None
    return Hearing(
        satellite=satellite,
        score=float(data.get(protocol.WAKE_WORD_SCORE) or 0.0),
        level=float(data.get(protocol.SPEECH_LEVEL) or -96.0),
        fingerprint=wake_print.WakePrint.from_data(data.get(protocol.WAKE_PRINT)),
    )


class CommandAudio:
    """One command's audio from the satellite, in the pipeline's format, until it ends."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._to_pipeline = AudioChunkConverter(**PIPELINE_FORMAT.to_dict())

    def put(self, event: Event) -> None:
        self._queue.put_nowait(self._to_pipeline.convert(AudioChunk.from_event(event)).audio)

    def end(self) -> None:
        self._queue.put_nowait(None)

    async def stream(self) -> AsyncGenerator[bytes]:
        while (audio := await self._queue.get()) is not None:
            yield audio


def satellite_event(event: PipelineEvent) -> Event | None:
    """What the satellite is told of this pipeline event, if anything."""
    if event.type is PipelineEventType.STT_VAD_START:
        return VoiceStarted().event()
    if event.type is PipelineEventType.STT_VAD_END:
        return VoiceStopped().event()
    if event.type is PipelineEventType.STT_END:
        return Transcript(text="").event()
    if event.type is PipelineEventType.ERROR and event.data:
        return Error(text=event.data.get("message", ""), code=event.data.get("code")).event()
    return None


def reply_token(event: PipelineEvent) -> str | None:
    """The text-to-speech stream's token, when the event says the reply is ready."""
    if event.type is PipelineEventType.TTS_END and event.data and event.data.get("tts_output"):
        return str(event.data["tts_output"]["token"])
    return None
