"""Speech-to-text through a Wyoming engine, biased towards the names in this home."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterable
from typing import Any

from homeassistant.components import stt
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event

from .compat import (
    AUDIO_PROCESSING,
    ENTITY_ENDS_SPEECH,
    HOME_ASSISTANT_ENDS_SPEECH,
    async_command_meaning,
    async_is_complete_command,
)
from .const import (
    CONF_BEAM_SIZE,
    DEFAULT_BEAM_SIZE,
    ENGINE_PROGRAM,
    PIPELINE_FORMAT,
)
from .engines.client import async_connect
from .engines.coordinator import EngineConfigEntry, EngineCoordinator
from .engines.endpointing import (
    DATA_SATELLITE_PAUSES,
    MAX_SECONDS,
    NO_SPEECH_SECONDS,
    EndOfCommand,
    Pauses,
    Verdict,
    async_verdict,
    request_data,
)
from .engines.entity import EngineEntity
from .engines.stream_start import DATA_WAKE_WORD_STREAMS
from .engines.stream_start import request_data as stream_start_data
from .privacy.household import DATA_HOUSEHOLD
from .sentences.home import DATA_HOME_SENTENCES, HomeCommands
from .sentences.nearest import nearest_commands, rivals
from .wav import seconds_of

_LOGGER = logging.getLogger(__name__)

# The transcript comes after the audio; allow for a slow machine decoding a long command.
_TRANSCRIPT_TIMEOUT = 60


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EngineConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    async_add_entities([IndoorVoiceSpeechToText(entry.runtime_data)])


class IndoorVoiceSpeechToText(EngineEntity, stt.SpeechToTextEntity):
    """Transcribes Assist audio with the engine's Whisper model."""

    _attr_translation_key = "speech_to_text"

    def __init__(self, coordinator: EngineCoordinator) -> None:
        super().__init__(coordinator, "stt")

    @property
    def supported_languages(self) -> list[str]:
        return sorted(
            {
                language
                for program in self.coordinator.data.asr
                for model in program.models
                # our engine downloads a model the first time its language is asked for
                if model.installed or program.name == ENGINE_PROGRAM
                for language in model.languages
            }
        )

    @property
    def supported_formats(self) -> list[stt.AudioFormats]:
        return [stt.AudioFormats.WAV]

    @property
    def supported_codecs(self) -> list[stt.AudioCodecs]:
        return [stt.AudioCodecs.PCM]

    @property
    def supported_bit_rates(self) -> list[stt.AudioBitRates]:
        return [stt.AudioBitRates.BITRATE_16]

    @property
    def supported_sample_rates(self) -> list[stt.AudioSampleRates]:
        return [stt.AudioSampleRates.SAMPLERATE_16000]

    @property
    def supported_channels(self) -> list[stt.AudioChannels]:
        return [stt.AudioChannels.CHANNEL_MONO]

    if ENTITY_ENDS_SPEECH:

        @property
        def audio_processing(self) -> Any:
            """Our engine tells us when speech ends (engines/endpointing.py); another Wyoming
            service does not, and Home Assistant's VAD has to."""
            if any(program.name == ENGINE_PROGRAM for program in self.coordinator.data.asr):
                return AUDIO_PROCESSING
            return HOME_ASSISTANT_ENDS_SPEECH

    async def async_process_audio_stream(
        self, metadata: stt.SpeechMetadata, stream: AsyncIterable[bytes]
    ) -> stt.SpeechResult:
        # A satellite of ours handed over its "finished speaking" choice; others: the default.
        pauses = self.hass.data[DATA_SATELLITE_PAUSES].take(self.entity_id)
        after_wake_word = self.hass.data[DATA_WAKE_WORD_STREAMS].take(self.entity_id)
        language = metadata.language
        home = await self.hass.data[DATA_HOME_SENTENCES].async_commands(language)
        request = Transcribe(language=language).event()
        request.data.update(self._request_data(home))
        request.data.update(request_data(pauses))
        request.data.update(stream_start_data(after_wake_word))
        ender = self._end_of_command(home, language, pauses)
        fmt = PIPELINE_FORMAT.to_dict()
        coordinator = self.coordinator
        household = self.hass.data[DATA_HOUSEHOLD]
        # Only while the household shares is the command's audio held, in memory, until
        # the transcript decides whether it is kept.
        kept: list[bytes] | None = [] if household.sharing else None
        sent: list[bytes] = []  # in memory for a second hearing, gone with this call
        try:
            async with async_connect(coordinator.host, coordinator.port) as client:
                await client.write_event(request)
                await client.write_event(AudioStart(**fmt).event())
                listener = asyncio.create_task(_listen(client, ender), name="indoor-voice stt")
                try:
                    seconds = 0.0
                    async for audio in stream:
                        await client.write_event(AudioChunk(audio=audio, **fmt).event())
                        sent.append(audio)
                        if kept is not None:
                            kept.append(audio)
                        seconds += seconds_of(len(audio), PIPELINE_FORMAT)
                        if ender.reason or listener.done() or _past_limits(seconds, ender):
                            break
                    understood = await self._async_understood(ender.as_heard, language)
                    await client.write_event(_audio_stop(understood))
                    ended = time.monotonic()
                    async with asyncio.timeout(_TRANSCRIPT_TIMEOUT):
                        event = await listener
                finally:
                    listener.cancel()
                _LOGGER.debug(
                    "Command ended by %s after %.1f s of audio",
                    ender.reason or "the stream",
                    seconds,
                )
                if event is not None and Transcript.is_type(event.type):
                    text = Transcript.from_event(event).text
                    if text != understood and home.automaton is not None and text.strip():
                        text = await self._async_hear_again(client, sent, text, home, language)
                    _LOGGER.debug(
                        "Transcribed %d characters %.0f ms after the end of speech",
                        len(text),
                        (time.monotonic() - ended) * 1000,
                    )
                    if kept is not None:
                        await household.async_keep(b"".join(kept), text)
                    return stt.SpeechResult(text, stt.SpeechResultState.SUCCESS)
                if event is not None and Error.is_type(event.type):
                    _LOGGER.warning("The engine refused to transcribe: %s", event.data.get("text"))
                    return stt.SpeechResult(None, stt.SpeechResultState.ERROR)
        except (HomeAssistantError, OSError, TimeoutError) as err:
            _LOGGER.warning("Speech-to-text failed: %s", err)
        await coordinator.async_request_failed()
        return stt.SpeechResult(None, stt.SpeechResultState.ERROR)

    def _end_of_command(self, home: HomeCommands, language: str, pauses: Pauses) -> EndOfCommand:
        """What decides, from the engine's events, that the command is over."""

        async def recognizes(text: str) -> bool:
            return await async_is_complete_command(self.hass, text, language)

        async def judge(text: str) -> Verdict:
            return await async_verdict(text, home.words, home.automaton, recognizes)

        return EndOfCommand(judge, pauses)

    async def _async_understood(self, as_heard: str | None, language: str) -> str | None:
        """The partial transcript that made a whole command, if Home Assistant's own
        recognizer understands it: the engine may answer with it as heard. The command's
        automaton reads some transcripts more loosely ("Turn off my kitchen. Light. Light."),
        and those are weighed against the home's commands as any other."""
        if as_heard is None or await async_command_meaning(self.hass, as_heard, language) is None:
            return None
        return as_heard

    def _request_data(self, home: HomeCommands) -> dict[str, Any]:
        """What the engine hears a command of this home with."""
        return {
            "transcript_names": home.names,
            "beam_size": self.coordinator.config_entry.options.get(
                CONF_BEAM_SIZE, DEFAULT_BEAM_SIZE
            ),
            "candidates": home.commands,
            "candidate_groups": home.meanings,
        }

    async def _async_hear_again(
        self,
        client: AsyncTcpClient,
        audio: list[bytes],
        text: str,
        home: HomeCommands,
        language: str,
    ) -> str:
        """A transcript Home Assistant does not understand, heard again with the home's
        commands nearest to it as the only candidates (sentences/nearest.py): the engine
        takes one only if Whisper finds it as likely as what it heard; else the transcript
        stays as it was."""
        if await async_command_meaning(self.hass, text, language) is not None:
            return text
        candidates, groups = await self._async_nearest(text, home, language)
        if not candidates:
            return text
        request = Transcribe(language=language).event()
        request.data.update(self._request_data(home))
        request.data.update(candidates=candidates, candidate_groups=groups)
        fmt = PIPELINE_FORMAT.to_dict()
        pcm = b"".join(audio)
        step = PIPELINE_FORMAT.rate * PIPELINE_FORMAT.width * PIPELINE_FORMAT.channels  # 1 s
        try:
            async with asyncio.timeout(_TRANSCRIPT_TIMEOUT):
                await client.write_event(request)
                await client.write_event(AudioStart(**fmt).event())
                for start in range(0, len(pcm), step):
                    chunk = AudioChunk(audio=pcm[start : start + step], **fmt)
                    await client.write_event(chunk.event())
                await client.write_event(AudioStop().event())
                while (event := await client.read_event()) is not None:
                    if Error.is_type(event.type):
                        break
                    if Transcript.is_type(event.type):
                        again = Transcript.from_event(event).text
                        if again in candidates:
                            _LOGGER.debug("Heard again as one of %d commands", len(candidates))
                            return again
                        break
        except (OSError, TimeoutError) as err:
            _LOGGER.debug("A second hearing failed: %s", err)
        return text

    async def _async_nearest(
        self, text: str, home: HomeCommands, language: str
    ) -> tuple[list[str], list[int]]:
        """The home's commands nearest the text that Home Assistant understands, then those
        a word away from them (what a winner is weighed against), each with a number for
        what it means to Home Assistant."""
        assert home.automaton is not None
        nearest = await self.hass.async_add_executor_job(
            nearest_commands, text, home.words, home.automaton, home.vocabulary
        )
        meanings: dict[tuple[str, ...], int] = {}
        candidates: list[str] = []
        groups: list[int] = []

        async def add(commands: list[str]) -> None:
            for command in commands:
                meaning = await async_command_meaning(self.hass, command, language)
                if meaning is not None:
                    candidates.append(command)
                    groups.append(meanings.setdefault(meaning, len(meanings)))

        await add(nearest)
        if candidates:
            others = await self.hass.async_add_executor_job(
                rivals, candidates, home.commands, home.meanings, home.words
            )
            await add(others)
        return candidates, groups


def _audio_stop(as_heard: str | None) -> Event:
    """The end of the stream; with the partial transcript that made a command Home Assistant
    understands, for the engine to answer with as heard."""
    stop = AudioStop().event()
    if as_heard is not None:
        stop.data["as_heard"] = as_heard
    return stop


def _past_limits(seconds: float, ender: EndOfCommand) -> bool:
    """The hard limits, for when Home Assistant leaves the end of speech to us."""
    if seconds >= MAX_SECONDS:
        ender.reason = "the length limit"
        return True
    if not ender.speech_started and seconds >= NO_SPEECH_SECONDS:
        ender.reason = "no speech"
        return True
    return False


async def _listen(client: AsyncTcpClient, ender: EndOfCommand) -> Event | None:
    """The engine's events until the transcript or an error, which it returns. The events
    before it may end the command (`ender.reason` is then set) while audio still flows."""
    while (event := await client.read_event()) is not None:
        if Transcript.is_type(event.type) or Error.is_type(event.type):
            return event
        if ender.reason is None:
            await ender.over(event.type, event.data or {})
    return None
