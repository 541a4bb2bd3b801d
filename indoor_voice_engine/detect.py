"""A detect session: `detect`, then audio; a `detection` for each wake word heard, or
`not-detected` when the audio ends without one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
from wyoming.event import Event
from wyoming.wake import Detection, NotDetected

from indoor_voice_models.wake import STEP_SAMPLES, WakeWordStream

from .engine import Engine
from .requests import BadRequest, str_list

_LOGGER = logging.getLogger(__name__)


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

    def begin(self) -> None:
        """The audio starts."""
        engine = self._engine
        assert engine.wake is not None
        self._stream = engine.wake.models.new_stream(
            self._names, engine.settings.wake_threshold, engine.settings.wake_refractory
        )
        self._detections = 0

    async def feed(self, samples: np.ndarray, client_timestamp: int | None) -> None:
        stream = self._stream
        assert stream is not None
        if stream.buffered + samples.size < STEP_SAMPLES:
            # Not a whole 80 ms step yet: only buffering, no model runs; skip the thread hop.
            hits = stream.process(samples)
        else:
            loop = asyncio.get_running_loop()
            hits = await loop.run_in_executor(self._engine.wake_pool, stream.process, samples)
        for hit in hits:
            self._detections += 1
            _LOGGER.debug("Wake word %s detected (score %.2f)", hit.name, hit.score)
            timestamp = client_timestamp if client_timestamp is not None else hit.timestamp_ms
            await self._write(Detection(name=hit.name, timestamp=timestamp).event())

    async def finish(self) -> Event | None:
        """The audio ended: `not-detected` if no wake word was heard."""
        return None if self._detections else NotDetected().event()

    def discard(self) -> None:
        self._stream = None
