"""Synthesis: `synthesize` (one text), or text streamed with synthesize-start/-chunk/-stop and
spoken sentence by sentence; audio goes out as soon as each sentence has it.

Nothing a client sends is written anywhere or logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Generator
from typing import Any

import numpy as np
from wyoming.audio import AudioChunk, AudioFormat, AudioStart, AudioStop
from wyoming.event import Event
from wyoming.tts import SynthesizeStopped

from .engine import Engine
from .memory import give_back_freed_memory
from .requests import BadRequest, optional_str
from .tts import Voice, sentences, split_complete

_LOGGER = logging.getLogger(__name__)

_AUDIO_CHUNK_SAMPLES = 4096  # ~190 ms of Piper audio per event


class _Stream:
    """Text streamed in with synthesize-start/-chunk/-stop, spoken sentence by sentence."""

    def __init__(self, voice: Voice, speaker: str | None) -> None:
        self.voice = voice
        self.speaker = speaker
        self.pending = ""
        self.received = 0
        self.sentences: asyncio.Queue[str | None] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None


class SynthesizeSession:
    """One connection's text-to-speech: a single text, or one stream at a time."""

    def __init__(self, engine: Engine, write: Callable[[Event], Awaitable[None]]) -> None:
        self._engine = engine
        self._write = write
        self._stream: _Stream | None = None

    @property
    def streaming(self) -> bool:
        return self._stream is not None

    async def synthesize(self, data: dict[str, Any]) -> None:
        if self._stream is not None:
            return  # the compatibility copy of a streamed request; the stream speaks it
        text = self._text(data)
        voice, speaker = await self._voice(data)
        await self._speak(voice, speaker, text)

    async def start(self, data: dict[str, Any]) -> None:
        if self._stream is not None:
            raise BadRequest("bad-request", "a synthesis stream is already open")
        voice, speaker = await self._voice(data)
        stream = _Stream(voice, speaker)
        stream.task = asyncio.create_task(self._speak_queue(stream), name="indoor-voice synthesis")
        self._stream = stream

    def chunk(self, data: dict[str, Any]) -> None:
        stream = self._stream
        if stream is None:
            raise BadRequest("bad-request", "synthesize-chunk without synthesize-start")
        text = self._text(data, stream.received)
        stream.received += len(text)
        complete, stream.pending = split_complete(stream.pending + text)
        for sentence in complete:
            stream.sentences.put_nowait(sentence)

    def stop(self) -> None:
        stream = self._stream
        if stream is None:
            raise BadRequest("bad-request", "synthesize-stop without synthesize-start")
        if stream.pending.strip():
            stream.sentences.put_nowait(stream.pending)
        stream.sentences.put_nowait(None)

    async def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None and stream.task is not None:
            stream.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await stream.task

    async def _voice(self, data: dict[str, Any]) -> tuple[Voice, str | None]:
        """The voice asked for by name or language (loaded or downloaded on first use)."""
        voices = self._engine.tts
        if voices is None:
            raise BadRequest("not-available", "this engine does not serve text-to-speech")
        voice_data = data.get("voice") or {}
        if not isinstance(voice_data, dict):
            raise BadRequest("bad-request", "voice must be an object")
        name = optional_str(voice_data, "name")
        voice = await voices.voice(name, optional_str(voice_data, "language"))
        return voice, optional_str(voice_data, "speaker")

    def _text(self, data: dict[str, Any], already: int = 0) -> str:
        text = data.get("text")
        limit = self._engine.limits.max_text_chars
        if not isinstance(text, str):
            raise BadRequest("bad-request", "text must be a string")
        if already + len(text) > limit:
            raise BadRequest("too-long", f"text exceeds {limit} characters")
        return text

    async def _speak_queue(self, stream: _Stream) -> None:
        """Speak streamed sentences as they complete; then say synthesize-stopped."""
        try:
            while (sentence := await stream.sentences.get()) is not None:
                await self._speak(stream.voice, stream.speaker, sentence)
            await self._write(SynthesizeStopped().event())
        except (ConnectionError, TimeoutError):
            _LOGGER.debug("Client went away during synthesis")
        finally:
            if self._stream is stream:
                self._stream = None

    async def _speak(self, voice: Voice, speaker: str | None, text: str) -> None:
        """Send audio-start, the audio of each sentence as soon as it exists, audio-stop."""
        loop = asyncio.get_running_loop()
        pool = self._engine.tts_pool
        generator: Generator[np.ndarray, None, None] = sentences(voice, text, speaker)
        fmt = AudioFormat(rate=voice.rate, width=2, channels=1).to_dict()
        await self._write(AudioStart(**fmt).event())
        try:
            while (audio := await loop.run_in_executor(pool, next, generator, None)) is not None:
                for start in range(0, audio.size, _AUDIO_CHUNK_SAMPLES):
                    piece = audio[start : start + _AUDIO_CHUNK_SAMPLES]
                    await self._write(AudioChunk(audio=piece.tobytes(), **fmt).event())
        finally:
            with contextlib.suppress(ValueError):  # still running in the pool if cancelled
                generator.close()
        pool.submit(give_back_freed_memory)  # after the voice's last sentence, not awaited
        await self._write(AudioStop().event())
