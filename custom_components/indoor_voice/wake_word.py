"""Wake word detection through a Wyoming engine (used when a device streams all its audio)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from homeassistant.components import wake_word
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.wake import Detect, Detection, NotDetected

from .const import PIPELINE_FORMAT
from .engines.client import async_connect
from .engines.coordinator import EngineConfigEntry, EngineCoordinator
from .engines.entity import EngineEntity

_LOGGER = logging.getLogger(__name__)

_FORMAT = PIPELINE_FORMAT.to_dict()
_KEEP_SENT_MS = 5_000  # how late an engine may answer and the command still be whole
_LAST_ANSWER_SECONDS = 5.0  # after the audio ends, for a detection or `not-detected`


class _SentAudio:
    """The last few seconds of audio sent to the engine, as (audio, timestamp) chunks."""

    def __init__(self) -> None:
        self._chunks: deque[tuple[bytes, int]] = deque()

    def add(self, chunk: tuple[bytes, int]) -> None:
        self._chunks.append(chunk)
        while chunk[1] - self._chunks[0][1] > _KEEP_SENT_MS:
            self._chunks.popleft()

    def after(self, timestamp: int | None) -> list[tuple[bytes, int]]:
        """What was sent after the chunk at `timestamp` (the one the wake word ended in)."""
        if timestamp is None:
            return []
        return [chunk for chunk in self._chunks if chunk[1] > timestamp]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EngineConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    async_add_entities([IndoorVoiceWakeWord(entry.runtime_data)])


class IndoorVoiceWakeWord(EngineEntity, wake_word.WakeWordDetectionEntity):
    """Listens for the engine's openWakeWord models."""

    _attr_translation_key = "wake_word"

    def __init__(self, coordinator: EngineCoordinator) -> None:
        super().__init__(coordinator, "wake_word")

    def _wake_words(self) -> list[wake_word.WakeWord]:
        return [
            wake_word.WakeWord(
                id=model.name, name=model.description or model.name, phrase=model.phrase
            )
            for program in self.coordinator.data.wake
            for model in program.models
            if model.installed
        ]

    async def get_supported_wake_words(self) -> list[wake_word.WakeWord]:
        return self._wake_words()

    async def _async_process_audio_stream(
        self, stream: AsyncIterable[tuple[bytes, int]], wake_word_id: str | None
    ) -> wake_word.DetectionResult | None:
        coordinator = self.coordinator
        try:
            async with async_connect(coordinator.host, coordinator.port) as client:
                await client.write_event(
                    Detect(names=[wake_word_id] if wake_word_id else None).event()
                )
                await client.write_event(AudioStart(**_FORMAT).event())
                return await self._detect(client, aiter(stream), wake_word_id)
        except (HomeAssistantError, OSError) as err:
            _LOGGER.warning("Wake word detection failed: %s", err)
            await coordinator.async_request_failed()
        return None

    async def _detect(
        self,
        client: AsyncTcpClient,
        audio: AsyncIterator[tuple[bytes, int]],
        wake_word_id: str | None,
    ) -> wake_word.DetectionResult | None:
        """Forward audio while reading the engine's answers, until a detection or the end.

        The audio stream is shared with speech-to-text. The engine answers after it has heard
        the wake word, and an engine busy with another room answers late: what was sent to it
        after the wake word (the command's start) is handed back as queued audio, with the
        chunk read but not yet sent. No read is ever abandoned halfway.
        """
        sent = _SentAudio()
        next_audio: asyncio.Future[tuple[bytes, int] | None] | None = asyncio.ensure_future(
            anext(audio, None)
        )
        next_event = asyncio.ensure_future(client.read_event())
        try:
            while True:
                if not await _either(next_audio, next_event):
                    return None
                if next_event.done():
                    event = next_event.result()
                    if event is not None and NotDetected.is_type(event.type):
                        return None
                    if wanted := _wanted(event, wake_word_id):
                        name, timestamp = wanted
                        queued = sent.after(timestamp)
                        if next_audio is not None and (chunk := await next_audio):
                            queued.append(chunk)
                        return wake_word.DetectionResult(
                            wake_word_id=name,
                            wake_word_phrase=self._phrase(name),
                            timestamp=timestamp,
                            queued_audio=queued or None,
                        )
                    next_event = asyncio.ensure_future(client.read_event())
                if next_audio is not None and next_audio.done():
                    next_audio = await _forward(client, audio, next_audio.result(), sent)
        finally:
            if next_audio is not None and not next_audio.done():
                await next_audio
            next_event.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await next_event

    def _phrase(self, name: str) -> str:
        for word in self._wake_words():
            if word.id == name and word.phrase:
                return word.phrase
        return name


def _wanted(event: Event | None, wake_word_id: str | None) -> tuple[str, int | None] | None:
    """The name and timestamp of the wake word listened for, if `event` detects it;
    HomeAssistantError when the engine failed or hung up."""
    if event is None or Error.is_type(event.type):
        raise HomeAssistantError(f"engine stopped detecting: {event.data if event else 'closed'}")
    if not Detection.is_type(event.type):
        return None
    detection = Detection.from_event(event)
    if detection.name and (not wake_word_id or detection.name == wake_word_id):
        return detection.name, detection.timestamp
    return None


async def _either(next_audio: asyncio.Future[Any] | None, next_event: asyncio.Future[Any]) -> bool:
    """Wait for the next chunk or the engine's next answer. Once the audio has ended, only for
    its last answer: False if none comes."""
    if next_audio is None:
        done, _ = await asyncio.wait({next_event}, timeout=_LAST_ANSWER_SECONDS)
        return bool(done)
    await asyncio.wait({next_audio, next_event}, return_when=asyncio.FIRST_COMPLETED)
    return True


async def _forward(
    client: AsyncTcpClient,
    audio: AsyncIterator[tuple[bytes, int]],
    chunk: tuple[bytes, int] | None,
    sent: _SentAudio,
) -> asyncio.Future[tuple[bytes, int] | None] | None:
    """Send a chunk to the engine and start reading the next; None: the audio ended (the
    engine may yet hear a wake word in what it has)."""
    if chunk is None:
        await client.write_event(AudioStop().event())
        return None
    audio_bytes, timestamp = chunk
    await client.write_event(AudioChunk(audio=audio_bytes, timestamp=timestamp, **_FORMAT).event())
    sent.add(chunk)
    return asyncio.ensure_future(anext(audio, None))
