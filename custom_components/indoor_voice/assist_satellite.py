"""The Assist satellite entity: keeps the link to one satellite and runs HA's pipeline for it.

The satellite detects the wake word itself and only then streams the command. Before a
pipeline runs, the entity checks that every stage of it is local, and asks the arbiter
whether another satellite heard the same wake word better. When Home Assistant expects an
answer (a started conversation, a question, a reply the agent asked for) it tells the
satellite to `listen`; timers of the satellite's device go to the satellite (timers.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterable, Coroutine
from typing import Any, Final

from homeassistant.components import assist_pipeline, ffmpeg, tts
from homeassistant.components.assist_pipeline import PipelineEvent, PipelineEventType
from homeassistant.components.assist_satellite import (
    AssistSatelliteAnnouncement,
    AssistSatelliteConfiguration,
    AssistSatelliteEntity,
    AssistSatelliteEntityDescription,
    AssistSatelliteEntityFeature,
)
from homeassistant.components.assist_satellite.entity import AssistSatelliteWakeWord
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.info import Describe, Info
from wyoming.ping import Ping, Pong
from wyoming.pipeline import PipelineStage, RunPipeline
from wyoming.satellite import PauseSatellite, RunSatellite
from wyoming.snd import Played
from wyoming.vad import VoiceStarted, VoiceStopped
from wyoming.wake import Detect

from . import link
from .arbiter import DATA_ARBITER, Hearing
from .const import CONF_KIND, DOMAIN, SAMPLE_CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, Kind
from .conversation_turns import Turns
from .endpointing import SENSITIVITY
from .local_guard import DATA_GUARD, Stage, async_non_local_stages
from .pipeline import our_entity
from .satellite import SatelliteConfigEntry, SatelliteConnection, async_connect
from .satellite_entity import SatelliteEntity
from .satellite_speaker import SatelliteSpeaker
from .timers import SatelliteTimers

_LOGGER = logging.getLogger(__name__)

_PING_SECONDS: Final = 5
_SILENT_SECONDS: Final = 15  # no event at all (not even a pong): the satellite is gone
_RECONNECT_SECONDS: Final = (1, 2, 5, 10, 30)
_STAGES = {
    PipelineStage.WAKE: assist_pipeline.PipelineStage.WAKE_WORD,
    PipelineStage.ASR: assist_pipeline.PipelineStage.STT,
    PipelineStage.HANDLE: assist_pipeline.PipelineStage.INTENT,
    PipelineStage.TTS: assist_pipeline.PipelineStage.TTS,
}
REFUSAL = (
    "Sorry, I can't listen right now: this voice assistant would send what you say outside "
    "your home. Please check Home Assistant's repairs."
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SatelliteConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    if entry.data.get(CONF_KIND) in (Kind.SATELLITE, Kind.WYOMING_SATELLITE):
        async_add_entities([IndoorVoiceSatellite(entry)])


class IndoorVoiceSatellite(SatelliteEntity, AssistSatelliteEntity):
    """One satellite: connected while it is reachable, idle → listening → processing →
    responding → idle for each command."""

    entity_description = AssistSatelliteEntityDescription(key="assist_satellite")
    _attr_name = None
    _attr_supported_features = (
        AssistSatelliteEntityFeature.ANNOUNCE | AssistSatelliteEntityFeature.START_CONVERSATION
    )

    def __init__(self, entry: SatelliteConfigEntry) -> None:
        SatelliteEntity.__init__(self, entry, "assist_satellite")
        AssistSatelliteEntity.__init__(self)
        self._entry = entry
        self._connection: SatelliteConnection | None = None
        self._command_audio: asyncio.Queue[bytes | None] | None = None
        self._to_pipeline = AudioChunkConverter(
            rate=SAMPLE_RATE, width=SAMPLE_WIDTH, channels=SAMPLE_CHANNELS
        )
        self._speaker = SatelliteSpeaker(
            self._send, lambda: ffmpeg.get_ffmpeg_manager(self.hass).binary
        )
        self._unwatch_pipeline: Any = None
        self._turns = Turns()
        self._timers: SatelliteTimers | None = None

    # -- the link --------------------------------------------------------------------

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self._device.request_mute = self._request_mute
        self._device.request_volume = self._request_volume
        arbiter = self.hass.data[DATA_ARBITER]
        arbiter.register(self._entry.entry_id)
        self.async_on_remove(lambda: arbiter.unregister(self._entry.entry_id))
        self.async_on_remove(self._stop_watching_pipeline)
        if self.registry_entry is not None and self.registry_entry.device_id is not None:
            self._timers = SatelliteTimers(
                self.hass, self.registry_entry.device_id, self._delivered, self._background
            )
            self.async_on_remove(self._timers.async_register())
        self._entry.async_create_background_task(
            self.hass, self._keep_connected(), f"{self.entity_id} link"
        )

    async def _keep_connected(self) -> None:
        """Connect, serve, and when the link drops, reconnect with growing pauses."""
        attempt = 0
        while True:
            try:
                connection = await async_connect(self.hass, self._entry)
            except link.NotPaired:
                _LOGGER.warning(
                    "%s was paired again; Home Assistant needs the new code", self._entry.title
                )
                self._entry.async_start_reauth(self.hass)
                return
            except (link.LinkError, OSError, HomeAssistantError) as err:
                pause = _RECONNECT_SECONDS[min(attempt, len(_RECONNECT_SECONDS) - 1)]
                attempt += 1
                _LOGGER.debug(
                    "Cannot reach %s (%s); trying again in %d s", self._entry.title, err, pause
                )
                await asyncio.sleep(pause)
                continue
            attempt = 0
            self._connection = connection
            try:
                await self._serve(connection)
            except (link.LinkError, OSError, TimeoutError) as err:
                _LOGGER.info("Lost the link to %s: %s", self._entry.title, err)
            finally:
                self._connection = None
                self._end_command()
                self._device.async_update(connected=False)
                with contextlib.suppress(Exception):
                    await connection.close()
                self._speaker.played.set()

    async def _serve(self, connection: SatelliteConnection) -> None:
        await connection.write_event(Describe().event())
        await connection.write_event(RunSatellite().event())
        pinger = self._entry.async_create_background_task(
            self.hass, self._ping(connection), f"{self.entity_id} ping"
        )
        try:
            while True:
                async with asyncio.timeout(_SILENT_SECONDS):
                    event = await connection.read_event()
                if event is None:
                    raise link.LinkUnavailable("the satellite closed the link")
                await self._on_event(connection, event)
        finally:
            pinger.cancel()

    async def _ping(self, connection: SatelliteConnection) -> None:
        with contextlib.suppress(link.LinkError, OSError):
            while True:
                await asyncio.sleep(_PING_SECONDS)
                await connection.write_event(Ping().event())

    async def _send(self, event: Event) -> None:
        if (connection := self._connection) is None:
            raise HomeAssistantError(f"{self._entry.title} is not connected")
        await connection.write_event(event)

    async def _delivered(self, event: Event) -> bool:
        """Send if connected; whether the satellite got it."""
        try:
            await self._send(event)
        except (HomeAssistantError, link.LinkError, OSError):
            return False
        return True

    @callback
    def _background(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        self._entry.async_create_background_task(self.hass, coroutine, f"{self.entity_id} task")

    # -- what the satellite says -------------------------------------------------------

    async def _on_event(self, connection: SatelliteConnection, event: Event) -> None:
        kind = event.type
        if Info.is_type(kind):
            first = not self._device.connected
            self._device.async_update(connected=True, info_event=event)
            if first:
                self._watch_pipeline()
                if self._timers is not None:
                    self._background(self._timers.async_tell_again())
        elif RunPipeline.is_type(kind):
            self._start_command(event)
        elif AudioChunk.is_type(kind):
            if self._command_audio is None:
                self._device.audio_chunks_before_wake += 1  # never forwarded anywhere
                return
            chunk = self._to_pipeline.convert(AudioChunk.from_event(event))
            self._command_audio.put_nowait(chunk.audio)
        elif AudioStop.is_type(kind):
            if self._command_audio is not None:
                self._command_audio.put_nowait(None)
        elif Played.is_type(kind):
            self._speaker.played.set()
            self.tts_response_finished()
            if self._turns.listen_after_played(bool((event.data or {}).get(link.protocol.STOPPED))):
                self._background(self._send_quietly(link.protocol.listen()))
        elif Ping.is_type(kind):
            await connection.write_event(Pong(text=Ping.from_event(event).text).event())
        elif Error.is_type(kind):
            _LOGGER.warning("%s reports: %s", self._entry.title, event.data.get("code"))

    # -- a command -----------------------------------------------------------------------

    def _start_command(self, event: Event) -> None:
        if self._command_audio is not None:
            return  # one command at a time
        # The wake word's name is read from the event: wyoming before 1.7 (Home Assistant
        # 2025.4's pin) has no `wake_word_name` in RunPipeline and drops it when parsing.
        run = RunPipeline.from_event(event)
        wake_word_name = event.data.get("wake_word_name")
        self._command_audio = asyncio.Queue()
        self._to_pipeline = AudioChunkConverter(
            rate=SAMPLE_RATE, width=SAMPLE_WIDTH, channels=SAMPLE_CHANNELS
        )
        if isinstance(snd := event.data.get(link.protocol.SND_FORMAT), dict):
            self._speaker.snd_format = {
                k: int(snd[k]) for k in ("rate", "width", "channels") if k in snd
            }
        hearing = Hearing(
            satellite=self._entry.entry_id,
            score=float(event.data.get(link.protocol.WAKE_WORD_SCORE) or 0.0),
            level=float(event.data.get(link.protocol.SPEECH_LEVEL) or -96.0),
        )
        follow_up = event.data.get(link.protocol.FOLLOW_UP) is True
        self._entry.async_create_background_task(
            self.hass,
            self._answer(
                run,
                wake_word_name if isinstance(wake_word_name, str) else None,
                None if follow_up else hearing,
            ),
            f"{self.entity_id} command",
        )

    async def _answer(
        self, run: RunPipeline, wake_word_name: str | None, hearing: Hearing | None
    ) -> None:
        """Run the pipeline for a command; `hearing` is None for an answer Home Assistant asked
        for (no wake word, so nothing for the arbiter to judge)."""
        try:
            self._watch_pipeline()
            pipeline = assist_pipeline.async_get_pipeline(self.hass, self._resolve_pipeline())
            if stages := await async_non_local_stages(self.hass, pipeline):
                await self._refuse(pipeline.name, stages)
                return
            phrase = self._phrase(wake_word_name) if hearing else None
            arbiter = self.hass.data[DATA_ARBITER]
            if phrase and hearing and not await arbiter.async_contest(phrase, hearing):
                _LOGGER.debug(
                    "%s stands down: another satellite heard it better", self._entry.title
                )
                await self._send(link.protocol.stand_down())
                return
            # Our speech-to-text ends the command by the same "finished speaking" choice.
            if (select := self.vad_sensitivity_entity_id) and (
                state := self.hass.states.get(select)
            ):
                SENSITIVITY.set(state.state)
            await self.async_accept_pipeline_from_satellite(
                audio_stream=self._command_stream(),
                start_stage=_STAGES.get(run.start_stage, assist_pipeline.PipelineStage.STT),
                end_stage=_STAGES.get(run.end_stage, assist_pipeline.PipelineStage.TTS),
                wake_word_phrase=phrase,
            )
        except (HomeAssistantError, link.LinkError, OSError) as err:
            _LOGGER.warning("Voice command from %s failed: %s", self._entry.title, err)
        finally:
            self._end_command()

    async def _command_stream(self) -> AsyncGenerator[bytes]:
        queue = self._command_audio
        while queue is not None and (audio := await queue.get()) is not None:
            yield audio

    def _end_command(self) -> None:
        if self._command_audio is not None:
            self._command_audio.put_nowait(None)
        self._command_audio = None

    async def _refuse(self, pipeline: str, stages: list[Stage]) -> None:
        """Stream nothing into a pipeline that would leave the house; say why instead."""
        _LOGGER.warning(
            "%s will not stream into %s: %s is not local",
            self._entry.title,
            pipeline,
            ", ".join(f"{s.name} ({s.engine})" for s in stages),
        )
        await self._send(
            Error(text=f"pipeline {pipeline} is not local", code="pipeline-not-local").event()
        )
        self._end_command()
        if (ours := our_entity(self.hass, Platform.TTS)) is not None:
            stream = tts.async_create_stream(
                self.hass, ours[0], options={tts.ATTR_PREFERRED_FORMAT: "wav"}
            )
            stream.async_set_message(REFUSAL)
            await self._speaker.play(stream.async_stream_result())

    def _phrase(self, wake_word_name: str | None) -> str:
        info = self._device.info
        for program in info.wake if info else []:
            for model in program.models:
                if model.name == wake_word_name:
                    return model.phrase or model.name
        return wake_word_name or "wake word"

    @property
    def tts_options(self) -> dict[str, Any] | None:
        # WAV as the engine makes it; converted here to the speaker's format, not by ffmpeg.
        return {tts.ATTR_PREFERRED_FORMAT: "wav"}

    @callback
    def on_pipeline_event(self, event: PipelineEvent) -> None:
        """Tell the satellite what it needs to know, and no more (no transcript, no reply text)."""
        self._turns.on_pipeline_event(event)
        follow_up: Event | None = None
        if event.type is PipelineEventType.STT_VAD_START:
            follow_up = VoiceStarted().event()
        elif event.type is PipelineEventType.STT_VAD_END:
            follow_up = VoiceStopped().event()
        elif event.type is PipelineEventType.STT_END:
            follow_up = Transcript(text="").event()
        elif event.type is PipelineEventType.ERROR and event.data:
            follow_up = Error(
                text=event.data.get("message", ""), code=event.data.get("code")
            ).event()
        elif (
            event.type is PipelineEventType.TTS_END and event.data and event.data.get("tts_output")
        ):
            token = event.data["tts_output"]["token"]
            if (stream := tts.async_get_stream(self.hass, token)) is not None:
                self._entry.async_create_background_task(
                    self.hass, self._reply(stream.async_stream_result()), f"{self.entity_id} reply"
                )
        if follow_up is not None:
            self._entry.async_create_background_task(
                self.hass, self._send_quietly(follow_up), f"{self.entity_id} event"
            )

    async def _reply(self, wav: AsyncIterable[bytes]) -> None:
        """Play a reply; a satellite gone meanwhile simply does not hear the rest."""
        with contextlib.suppress(HomeAssistantError, link.LinkError, OSError):
            await self._speaker.play(wav)

    async def _send_quietly(self, event: Event) -> None:
        with contextlib.suppress(HomeAssistantError, link.LinkError, OSError):
            await self._send(event)

    # -- sound out ---------------------------------------------------------------------

    async def async_announce(self, announcement: AssistSatelliteAnnouncement) -> None:
        """Play an announcement after its chime; return once the satellite has played it."""
        await self._speaker.announce(self.hass, announcement)

    async def async_start_conversation(
        self, start_announcement: AssistSatelliteAnnouncement
    ) -> None:
        """Say the start message, then listen for the answer without a wake word."""
        if self._device.muted:
            raise HomeAssistantError(f"{self._entry.title} is muted: it cannot hear an answer")
        await self._speaker.announce(self.hass, start_announcement)
        await self._send(link.protocol.listen())

    # -- settings ------------------------------------------------------------------------

    @callback
    def _request_mute(self, muted: bool) -> None:
        if muted:
            self._end_command()
        self._entry.async_create_background_task(
            self.hass, self._send(link.protocol.set_mute(muted)), f"{self.entity_id} mute"
        )

    @callback
    def _request_volume(self, volume: float) -> None:
        self._background(self._send(link.protocol.set_volume(volume)))

    @callback
    def async_get_configuration(self) -> AssistSatelliteConfiguration:
        info = self._device.info
        if info is None or info.satellite is None:
            raise HomeAssistantError(f"{self._entry.title} has not described itself yet")
        words = [
            AssistSatelliteWakeWord(
                id=m.name, wake_word=m.phrase or m.name, trained_languages=list(m.languages)
            )
            for program in info.wake
            for m in program.models
            if m.installed
        ]
        return AssistSatelliteConfiguration(
            available_wake_words=words,
            active_wake_words=list(self._device.active_wake_words),
            max_active_wake_words=self._device.max_active_wake_words or len(words),
        )

    async def async_set_configuration(self, config: AssistSatelliteConfiguration) -> None:
        await self._send(Detect(names=config.active_wake_words).event())

    @property
    def pipeline_entity_id(self) -> str | None:
        return er.async_get(self.hass).async_get_entity_id(
            "select", DOMAIN, f"{self._entry.entry_id}-pipeline"
        )

    @property
    def vad_sensitivity_entity_id(self) -> str | None:
        return er.async_get(self.hass).async_get_entity_id(
            "select", DOMAIN, f"{self._entry.entry_id}-vad_sensitivity"
        )

    @callback
    def _watch_pipeline(self) -> None:
        """Keep the local-only guard watching the pipeline this satellite uses."""
        self._stop_watching_pipeline()
        with contextlib.suppress(RuntimeError, assist_pipeline.PipelineNotFound):
            pipeline = assist_pipeline.async_get_pipeline(self.hass, self._resolve_pipeline())
            self._unwatch_pipeline = self.hass.data[DATA_GUARD].async_watch(
                pipeline.id, self.entity_id
            )

    @callback
    def _stop_watching_pipeline(self) -> None:
        if self._unwatch_pipeline is not None:
            self._unwatch_pipeline()
            self._unwatch_pipeline = None

    async def async_will_remove_from_hass(self) -> None:
        if self._connection is not None:
            await self._send_quietly(PauseSatellite().event())
        await super().async_will_remove_from_hass()
