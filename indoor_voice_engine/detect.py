"""A detect session: `detect`, then audio; a `detection` for each wake word heard, or
`not-detected` when the audio ends without one."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
from wyoming.event import Event
from wyoming.wake import Detection, NotDetected

from indoor_voice_models.wake import WakeHit, WakeWordStream

from .engine import Engine
from .requests import BadRequest, str_list

_LOGGER = logging.getLogger(__name__)

# The models run on two 80 ms steps at once (wake.py): a stream's models cost about a quarter
# less CPU, and a detection comes at most 80 ms later (with the timestamp of its own step).
STEPS_PER_RUN = 2
_SAMPLES_PER_MS = 16


class DetectSession:
    """The wake words a client listens for, and their stream while its audio flows."""

    def __init__(
        self, engine: Engine, data: dict[str, Any], write: Callable[[Event], Awaitable[None]]
    ) -> None:
        wake = engine.wake
        if wake is None:
            raise BadRequest("not-available", "this engine does not serve wake word detection")
        self._engine = engine
        self._write = write
        names = str_list(data, "names") or None
        if names is not None:
            unknown = [n for n in names if n not in wake.models.words]
            if unknown:
                raise BadRequest(
                    "unknown-model",
                    f"unknown wake word {unknown[0]!r}; installed: {', '.join(wake.models.words)}",
                )
        self._names = names
        self._stream: WakeWordStream | None = None
        self._detections = 0
        # The client's timestamp of each recent chunk, by the stream's sample it starts at.
        self._chunk_starts: deque[tuple[int, int | None]] = deque()
        self._samples = 0

    def begin(self) -> None:
        """The audio starts."""
        engine = self._engine
        assert engine.wake is not None
        self._stream = engine.wake.models.new_stream(
            self._names,
            engine.settings.wake_threshold,
            engine.settings.wake_refractory,
            STEPS_PER_RUN,
        )
        self._detections = 0
        self._chunk_starts.clear()
        self._samples = 0

    async def feed(self, samples: np.ndarray, client_timestamp: int | None) -> None:
        stream = self._stream
        assert stream is not None
        self._chunk_starts.append((self._samples, client_timestamp))
        self._samples += samples.size
        if stream.buffered + samples.size < stream.run_samples:
            # Not time for the models yet: only buffering; skip the thread hop.
            stream.process(samples)
            return
        loop = asyncio.get_running_loop()
        await self._report(
            await loop.run_in_executor(self._engine.wake_pool, stream.process, samples)
        )
        # Only chunks after the oldest sample still waiting can hold a later step's end.
        waiting = self._samples - stream.buffered
        while len(self._chunk_starts) > 1 and self._chunk_starts[1][0] <= waiting:
            self._chunk_starts.popleft()

    async def finish(self) -> Event | None:
        """The audio ended: the steps still waiting are scored; `not-detected` if no wake
        word was heard."""
        if self._stream is not None and self._stream.buffered:
            loop = asyncio.get_running_loop()
            await self._report(
                await loop.run_in_executor(self._engine.wake_pool, self._stream.flush)
            )
        return None if self._detections else NotDetected().event()

    async def _report(self, hits: list[WakeHit]) -> None:
        for hit in hits:
            self._detections += 1
            _LOGGER.debug("Wake word %s detected (score %.2f)", hit.name, hit.score)
            timestamp = self._client_timestamp(hit.timestamp_ms * _SAMPLES_PER_MS)
            if timestamp is None:
                timestamp = hit.timestamp_ms
            await self._write(Detection(name=hit.name, timestamp=timestamp).event())

    def _client_timestamp(self, end: int) -> int | None:
        """The client's timestamp of the chunk that holds the sample before `end` (a step's
        end): the chunk that completed the step."""
        found = None
        for start, timestamp in self._chunk_starts:
            if start >= end:
                break
            found = timestamp
        return found

    def discard(self) -> None:
        self._stream = None
