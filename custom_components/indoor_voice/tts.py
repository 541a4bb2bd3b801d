"""Text-to-speech through a Wyoming engine, streamed, in the format the caller asked for.

Audio is converted here (sample rate, width, channels) instead of by ffmpeg, and handed
on sentence by sentence as the engine produces it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from typing import Any

from homeassistant.components import tts
from homeassistant.components.tts.entity import TTSAudioResponse
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioFormat, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.info import Info
from wyoming.tts import Synthesize, SynthesizeVoice

from .const import CONF_VOICE, ENGINE_PROGRAM
from .engines.client import async_connect
from .engines.coordinator import EngineConfigEntry, EngineCoordinator
from .engines.entity import EngineEntity
from .wav import wav_header

_LOGGER = logging.getLogger(__name__)

ATTR_SPEAKER = "speaker"
_AUDIO_TIMEOUT = 30  # seconds between two pieces of audio from the engine


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EngineConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    async_add_entities([IndoorVoiceTextToSpeech(entry.runtime_data)])


def voices_by_language(info: Info) -> dict[str, list[tts.Voice]]:
    """The voices it can speak with, grouped by language and sorted by name: those installed,
    and those our engine downloads the first time they are asked for."""
    voices: dict[str, list[tts.Voice]] = {}
    for program in info.tts:
        for voice in program.voices:
            if voice.installed or program.name == ENGINE_PROGRAM:
                for language in voice.languages:
                    voices.setdefault(language, []).append(
                        tts.Voice(voice_id=voice.name, name=voice.description or voice.name)
                    )
    return {lang: sorted(found, key=lambda v: v.name) for lang, found in voices.items()}


class IndoorVoiceTextToSpeech(EngineEntity, tts.TextToSpeechEntity):
    """Speaks with the engine's Piper voices."""

    _attr_translation_key = "text_to_speech"
    _attr_supported_options = [
        tts.ATTR_VOICE,
        ATTR_SPEAKER,
        tts.ATTR_PREFERRED_FORMAT,
        tts.ATTR_PREFERRED_SAMPLE_RATE,
        tts.ATTR_PREFERRED_SAMPLE_CHANNELS,
        tts.ATTR_PREFERRED_SAMPLE_BYTES,
    ]

    def __init__(self, coordinator: EngineCoordinator) -> None:
        super().__init__(coordinator, "tts")

    @property
    def supported_languages(self) -> list[str]:
        return sorted(voices_by_language(self.coordinator.data))

    @property
    def default_language(self) -> str:
        languages = self.supported_languages
        chosen = self.coordinator.config_entry.options.get(CONF_VOICE)
        for language, voices in voices_by_language(self.coordinator.data).items():
            if any(v.voice_id == chosen for v in voices):
                return language
        wanted = self.hass.config.language.replace("-", "_").lower()
        for language in languages:
            if language.lower() == wanted or language.lower().split("_")[0] == wanted:
                return language
        return languages[0]

    @property
    def default_options(self) -> dict[str, Any]:
        voice = self.coordinator.config_entry.options.get(CONF_VOICE)
        return {tts.ATTR_VOICE: voice} if voice else {}

    @callback
    def async_get_supported_voices(self, language: str) -> list[tts.Voice] | None:
        return voices_by_language(self.coordinator.data).get(language)

    async def async_stream_tts_audio(self, request: tts.TTSAudioRequest) -> TTSAudioResponse:
        text = "".join([part async for part in request.message_gen])
        return TTSAudioResponse("wav", self._speak(text, request.language, request.options))

    def _synthesize_event(self, text: str, language: str, options: dict[str, Any]) -> Event:
        voice_name = options.get(tts.ATTR_VOICE)
        voice = (
            SynthesizeVoice(name=voice_name, speaker=options.get(ATTR_SPEAKER))
            if voice_name
            else SynthesizeVoice(language=language)
        )
        return Synthesize(text=text, voice=voice).event()

    async def _speak(
        self, text: str, language: str, options: dict[str, Any]
    ) -> AsyncGenerator[bytes]:
        """WAV header, then PCM as each sentence arrives, converted as the caller prefers."""
        converter = AudioChunkConverter(
            rate=_int(options.get(tts.ATTR_PREFERRED_SAMPLE_RATE)),
            width=_int(options.get(tts.ATTR_PREFERRED_SAMPLE_BYTES)),
            channels=_int(options.get(tts.ATTR_PREFERRED_SAMPLE_CHANNELS)),
        )
        coordinator = self.coordinator
        header_sent = False
        try:
            async with async_connect(coordinator.host, coordinator.port) as client:
                await client.write_event(self._synthesize_event(text, language, options))
                while True:
                    event = await _next_audio_event(client)
                    if AudioStart.is_type(event.type) and not header_sent:
                        start = AudioStart.from_event(event)
                        yield wav_header(
                            AudioFormat(
                                rate=converter.rate or start.rate,
                                width=converter.width or start.width,
                                channels=converter.channels or start.channels,
                            )
                        )
                        header_sent = True
                    elif AudioChunk.is_type(event.type):
                        yield converter.convert(AudioChunk.from_event(event)).audio
                    elif AudioStop.is_type(event.type):
                        return
        except (OSError, TimeoutError) as err:
            await coordinator.async_request_failed()
            raise HomeAssistantError(f"Text-to-speech failed: {err}") from err
        except HomeAssistantError:
            await coordinator.async_request_failed()
            raise


async def _next_audio_event(client: AsyncTcpClient) -> Event:
    async with asyncio.timeout(_AUDIO_TIMEOUT):
        event = await client.read_event()
    if event is None:
        raise HomeAssistantError("the engine closed the connection mid-speech")
    if Error.is_type(event.type):
        raise HomeAssistantError(f"the engine refused: {event.data.get('text')}")
    return event


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None
