"""Wake word detection through a Wyoming engine (used when a device streams all its audio)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterable, AsyncIterator

from homeassistant.components import wake_word
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.wake import Detect, Detection

from .const import PIPELINE_FORMAT
from .engines.client import async_connect
from .engines.coordinator import EngineConfigEntry, EngineCoordinator
from .engines.entity import EngineEntity

_LOGGER = logging.getLogger(__name__)

_FORMAT = PIPELINE_FORMAT.to_dict()


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

        The audio stream is shared with speech-to-text: a chunk read but not sent before the
        detection is handed back as queued audio, and no read is ever abandoned halfway.
        """
        next_audio = asyncio.ensure_future(anext(audio, None))
        next_event = asyncio.ensure_future(client.read_event())
        try:
            while True:
                await asyncio.wait({next_audio, next_event}, return_when=asyncio.FIRST_COMPLETED)
                if next_event.done():
                    event = next_event.result()
                    if event is None or Error.is_type(event.type):
                        raise HomeAssistantError(
                            f"engine stopped detecting: {event.data if event else 'closed'}"
                        )
                    if Detection.is_type(event.type):
                        detection = Detection.from_event(event)
                        if detection.name and (not wake_word_id or detection.name == wake_word_id):
                            queued = await next_audio
                            return wake_word.DetectionResult(
                                wake_word_id=detection.name,
                                wake_word_phrase=self._phrase(detection.name),
                                timestamp=detection.timestamp,
                                queued_audio=[queued] if queued else None,
                            )
                    next_event = asyncio.ensure_future(client.read_event())
                if next_audio.done():
                    chunk = next_audio.result()
                    if chunk is None:
                        await client.write_event(AudioStop().event())
                        return None
                    audio_bytes, timestamp = chunk
                    await client.write_event(
                        AudioChunk(audio=audio_bytes, timestamp=timestamp, **_FORMAT).event()
                    )
                    next_audio = asyncio.ensure_future(anext(audio, None))
        finally:
            if not next_audio.done():
                await next_audio
            next_event.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await next_event

    def _phrase(self, name: str) -> str:
        for word in self._wake_words():
            if word.id == name and word.phrase:
                return word.phrase
        return name
