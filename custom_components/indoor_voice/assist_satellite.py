"""The Assist satellite entity: runs Home Assistant's pipeline for one satellite, over its
link (satellites/connection.py) and in Wyoming terms (satellites/pipeline_run.py). The satellite
detects the wake word itself and only then streams the command. Before a pipeline runs, the
entity checks that every stage of it is local, and asks the arbiter whether another
satellite heard the same wake word better. When Home Assistant expects an answer (a started
conversation, a question, a reply the agent asked for) it tells the satellite to `listen`;
timers of the satellite's device go to the satellite (satellites/timers.py).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Coroutine
from functools import partial
from typing import Any

from homeassistant.components import assist_pipeline, ffmpeg, tts
from homeassistant.components.assist_pipeline import PipelineEvent
from homeassistant.components.assist_satellite import (
    AssistSatelliteAnnouncement,
    AssistSatelliteConfiguration,
    AssistSatelliteEntity,
    AssistSatelliteEntityDescription,
    AssistSatelliteEntityFeature,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from wyoming.audio import AudioChunk, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.info import Info
from wyoming.pipeline import RunPipeline
from wyoming.satellite import PauseSatellite
from wyoming.snd import Played
from wyoming.wake import Detect

from . import link
from .const import MAX_ACTIVE_WAKE_WORDS
from .entries import entity_id_of, pipeline_key
from .privacy.local_guard import DATA_GUARD, REFUSAL, Stage, async_non_local_stages
from .satellites import pipeline_run
from .satellites.arbiter import DATA_ARBITER, Hearing, Verdict
from .satellites.connection import SatelliteLink
from .satellites.conversation_turns import Turns
from .satellites.device import SatelliteConfigEntry, WakeDecision
from .satellites.entity import SatelliteEntity
from .satellites.pipeline_run import CommandAudio
from .satellites.speaker import SatelliteSpeaker
from .satellites.stt_hand_over import SpeechToTextHandOver
from .satellites.timers import SatelliteTimers

_LOGGER = logging.getLogger(__name__)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SatelliteConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up for satellite entries only (__init__.SATELLITE_PLATFORMS)."""
    async_add_entities([IndoorVoiceSatellite(hass, entry)])


class IndoorVoiceSatellite(SatelliteEntity, AssistSatelliteEntity):
    """One satellite: connected while it is reachable, idle → listening → processing →
    responding → idle for each command."""

    entity_description = AssistSatelliteEntityDescription(key="assist_satellite")
    _attr_name = None
    _attr_supported_features = (
        AssistSatelliteEntityFeature.ANNOUNCE | AssistSatelliteEntityFeature.START_CONVERSATION
    )

    def __init__(self, hass: HomeAssistant, entry: SatelliteConfigEntry) -> None:
        SatelliteEntity.__init__(self, entry, "assist_satellite")
        AssistSatelliteEntity.__init__(self)
        self._entry = entry
        self._link = SatelliteLink(hass, entry, self._on_event, self._lost)
        self._command: CommandAudio | None = None
        self._speaker = SatelliteSpeaker(
            self._link.send, lambda: ffmpeg.get_ffmpeg_manager(self.hass).binary
        )
        self._turns = Turns()
        self._timers: SatelliteTimers | None = None
        self._stt = SpeechToTextHandOver(hass)
        self._pipeline_index = 0  # which wake word's pipeline the command runs in

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self._device.request_mute = self._request_mute
        self._device.request_volume = self._request_volume
        self._device.request_wake_sensitivity = self._request_wake_sensitivity
        arbiter = self.hass.data[DATA_ARBITER]
        arbiter.register(self._entry.entry_id)
        self.async_on_remove(lambda: arbiter.unregister(self._entry.entry_id))
        self.async_on_remove(self._device.async_listen(self._watch_pipeline))
        for index in range(MAX_ACTIVE_WAKE_WORDS):
            user = f"{self.entity_id}#{index}"
            self.async_on_remove(partial(self.hass.data[DATA_GUARD].async_watch_only, None, user))
        if self.registry_entry is not None and self.registry_entry.device_id is not None:
            self._timers = SatelliteTimers(
                self.hass, self.registry_entry.device_id, self._link.delivered, self._background
            )
            self.async_on_remove(self._timers.async_register())
        self._link.async_start(self.entity_id)

    @callback
    def _background(self, coroutine: Coroutine[Any, Any, Any], name: str = "task") -> None:
        self._entry.async_create_background_task(self.hass, coroutine, f"{self.entity_id} {name}")

    # -- what the satellite says -------------------------------------------------------

    async def _on_event(self, event: Event) -> None:
        kind = event.type
        if Info.is_type(kind):
            self._described(event)
        elif kind == link.protocol.WAKE_DECISION:
            if (decision := WakeDecision.from_event(event)) is not None:
                self._device.async_update(wake=decision)
        elif RunPipeline.is_type(kind):
            self._start_command(event)
        elif AudioChunk.is_type(kind):
            if self._command is None:
                self._device.audio_chunks_before_wake += 1  # never forwarded anywhere
                return
            self._command.put(event)
        elif AudioStop.is_type(kind):
            if self._command is not None:
                self._command.end()
        elif Played.is_type(kind):
            self._speaker.played.set()
            self.tts_response_finished()
            if self._turns.listen_after_played(bool((event.data or {}).get(link.protocol.STOPPED))):
                self._background(self._link.send_quietly(link.protocol.listen()))
        elif Error.is_type(kind):
            _LOGGER.warning("%s reports: %s", self._entry.title, event.data.get("code"))

    @callback
    def _described(self, info_event: Event) -> None:
        first = not self._device.connected
        self._device.async_update(connected=True, info_event=info_event)
        if first:
            self._watch_pipeline()
            if self._timers is not None:
                self._background(self._timers.async_tell_again())

    @callback
    def _lost(self) -> None:
        """The link dropped: the command in progress ends, the entities go unavailable. A
        reply it was playing will never be `played` (the satellite may have died mid-reply):
        it comes back idle, not still responding."""
        self._end_command()
        self._device.async_update(connected=False)
        self._speaker.played.set()
        if self.state == "responding":  # AssistSatelliteState.RESPONDING, not public in 2025.4
            self.tts_response_finished()

    # -- a command -----------------------------------------------------------------------

    def _start_command(self, event: Event) -> None:
        if self._command is not None:
            return  # one command at a time
        self._command = CommandAudio()
        if isinstance(snd := event.data.get(link.protocol.SND_FORMAT), dict):
            self._speaker.set_format(snd)
        self._background(
            self._answer(
                RunPipeline.from_event(event),
                pipeline_run.wake_word_name(event),
                pipeline_run.hearing(event, self._entry.entry_id),
            ),
            "command",
        )

    async def _answer(
        self, run: RunPipeline, wake_word_name: str | None, hearing: Hearing | None
    ) -> None:
        """Run the pipeline for a command; `hearing` is None for an answer Home Assistant asked
        for (no wake word, so nothing for the arbiter to judge)."""
        try:
            if hearing is not None:  # not an answer: the wake word picks the pipeline
                self._pipeline_index = pipeline_run.pipeline_index(
                    wake_word_name, self._device.active_wake_words, MAX_ACTIVE_WAKE_WORDS
                )
            self._watch_pipeline()
            pipeline = assist_pipeline.async_get_pipeline(self.hass, self._resolve_pipeline())
            if stages := await async_non_local_stages(self.hass, pipeline):
                await self._refuse(pipeline.name, stages)
                return
            phrase = self._device.phrase(wake_word_name) if hearing else None
            verdict = Verdict.ANSWER
            if phrase and hearing:
                verdict = await self.hass.data[DATA_ARBITER].async_contest(phrase, hearing)
            if verdict is Verdict.STAND_DOWN:
                _LOGGER.debug(
                    "%s stands down: another satellite heard it better", self._entry.title
                )
                await self._link.send(link.protocol.stand_down())
                return
            self._stt.after_wake_word = hearing is not None
            await self.async_accept_pipeline_from_satellite(
                audio_stream=self._command_stream(),
                start_stage=pipeline_run.start_stage(run),
                end_stage=pipeline_run.end_stage(run),
                # Home Assistant would take a second person's same phrase for a duplicate
                wake_word_phrase=phrase if verdict is Verdict.ANSWER else None,
            )
        except (HomeAssistantError, link.LinkError, OSError) as err:
            _LOGGER.warning("Voice command from %s failed: %s", self._entry.title, err)
        finally:
            self._end_command()

    async def _command_stream(self) -> AsyncGenerator[bytes]:
        if (command := self._command) is not None:
            async for audio in command.stream():
                yield audio

    def _end_command(self) -> None:
        if self._command is not None:
            self._command.end()
        self._command = None

    async def _refuse(self, pipeline: str, stages: list[Stage]) -> None:
        """Stream nothing into a pipeline that would leave the house; say why instead."""
        _LOGGER.warning(
            "%s will not stream into %s: %s is not local",
            self._entry.title,
            pipeline,
            ", ".join(f"{s.name} ({s.engine})" for s in stages),
        )
        await self._link.send(
            Error(text=f"pipeline {pipeline} is not local", code="pipeline-not-local").event()
        )
        self._end_command()
        await self._speaker.say(self.hass, REFUSAL)

    @property
    def tts_options(self) -> dict[str, Any] | None:
        # WAV as the engine makes it; converted here to the speaker's format, not by ffmpeg.
        return {tts.ATTR_PREFERRED_FORMAT: "wav"}

    @callback
    def on_pipeline_event(self, event: PipelineEvent) -> None:
        """Tell the satellite what it needs to know, and no more (no transcript, no reply text)."""
        self._turns.on_pipeline_event(event)
        select = self.vad_sensitivity_entity_id
        state = self.hass.states.get(select) if select else None
        self._stt.on_pipeline_event(event, state.state if state else None)
        if (token := pipeline_run.reply_token(event)) and (
            stream := tts.async_get_stream(self.hass, token)
        ):
            self._background(self._speaker.reply(stream.async_stream_result()), "reply")
        if (told := pipeline_run.satellite_event(event)) is not None:
            self._background(self._link.send_quietly(told), "event")

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
        await self._link.send(link.protocol.listen())

    # -- settings ------------------------------------------------------------------------

    @callback
    def _request_mute(self, muted: bool) -> None:
        if muted:
            self._end_command()
        self._background(self._link.send(link.protocol.set_mute(muted)), "mute")

    @callback
    def _request_volume(self, volume: float) -> None:
        self._background(self._link.send(link.protocol.set_volume(volume)))

    @callback
    def _request_wake_sensitivity(self, level: str) -> None:
        self._background(self._link.send(link.protocol.set_wake_sensitivity(level)))

    @callback
    def async_get_configuration(self) -> AssistSatelliteConfiguration:
        info = self._device.info
        if info is None or info.satellite is None:
            raise HomeAssistantError(f"{self._entry.title} has not described itself yet")
        words = self._device.wake_words()
        return AssistSatelliteConfiguration(
            available_wake_words=words,
            active_wake_words=list(self._device.active_wake_words),
            max_active_wake_words=min(
                MAX_ACTIVE_WAKE_WORDS, self._device.max_active_wake_words or len(words)
            ),
        )

    async def async_set_configuration(self, config: AssistSatelliteConfiguration) -> None:
        """The wake words chosen in Home Assistant's satellite settings; each starts the
        pipeline of its select (the first wake word "pipeline", the second "pipeline_2")."""
        if len(config.active_wake_words) > MAX_ACTIVE_WAKE_WORDS:
            raise HomeAssistantError(
                f"{self._entry.title} listens for at most {MAX_ACTIVE_WAKE_WORDS} wake words"
            )
        await self._link.send(Detect(names=config.active_wake_words).event())

    @property
    def pipeline_entity_id(self) -> str | None:
        """The select of the pipeline that the wake word of the command in progress starts."""
        return entity_id_of(
            self.hass, Platform.SELECT, self._entry.entry_id, pipeline_key(self._pipeline_index)
        )

    @property
    def vad_sensitivity_entity_id(self) -> str | None:
        return entity_id_of(self.hass, Platform.SELECT, self._entry.entry_id, "vad_sensitivity")

    @callback
    def _watch_pipeline(self) -> None:
        """Keep the local-only guard watching the pipeline of each wake word."""
        chosen = pipeline_run.chosen_pipelines(self.hass, self._entry.entry_id)
        for index, pipeline_id in enumerate(chosen):
            self.hass.data[DATA_GUARD].async_watch_only(pipeline_id, f"{self.entity_id}#{index}")

    async def async_will_remove_from_hass(self) -> None:
        if self._link.connected:
            await self._link.send_quietly(PauseSatellite().event())
        await super().async_will_remove_from_hass()
