"""A transcribe session: `transcribe`, then audio, then the transcript.

Nothing a client sends is written anywhere or logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
from wyoming.asr import Transcript
from wyoming.event import Event

from .candidates import MAX_CANDIDATES
from .endpoint import Endpointer, EndpointingError, Pauses
from .engine import Engine
from .requests import BadRequest, optional_str, str_list
from .stt import Request, Utterance


class TranscribeSession:
    """What a client asked to transcribe, and the utterance while its audio flows."""

    def __init__(
        self, engine: Engine, data: dict[str, Any], write: Callable[[Event], Awaitable[None]]
    ) -> None:
        if engine.stt is None:
            raise BadRequest("not-available", "this engine does not serve speech-to-text")
        self._engine = engine
        self._write = write
        names = str_list(data, "transcript_names")
        terms = str_list(data, "transcript_terms")
        beam_size = data.get("beam_size")
        if beam_size is not None and (not isinstance(beam_size, int) or not 1 <= beam_size <= 10):
            raise BadRequest("bad-request", "beam_size must be an integer from 1 to 10")
        candidates = str_list(data, "candidates")
        if len(candidates) > MAX_CANDIDATES or any(len(c) > 200 for c in candidates):
            raise BadRequest(
                "too-long", f"at most {MAX_CANDIDATES} candidates of 200 characters each"
            )
        self._request = Request(
            language=optional_str(data, "language"),
            names=tuple(names),
            terms=tuple(terms),
            beam_size=beam_size,
            candidates=tuple(candidates),
        )
        try:
            self._pauses = Pauses.parse(data.get("endpointing"))  # the client ends the speech
        except EndpointingError as err:
            raise BadRequest("bad-request", str(err)) from err
        self._utterance: Utterance | None = None

    def begin(self) -> None:
        """The audio starts."""
        engine = self._engine
        assert engine.stt is not None
        max_samples = int(engine.limits.max_utterance_seconds * 16_000)
        endpointer = Endpointer(self._pauses, self._write) if self._pauses else None
        self._utterance = Utterance(
            engine.stt, engine.stt_pool, self._request, max_samples, endpointer
        )

    async def feed(self, samples: np.ndarray, client_timestamp: int | None) -> None:
        assert self._utterance is not None
        if not self._utterance.add(samples):
            raise BadRequest(
                "too-long",
                f"utterance exceeds {self._engine.limits.max_utterance_seconds:.0f} seconds",
            )

    async def finish(self) -> Event | None:
        """The audio ended: the transcript."""
        utterance, self._utterance = self._utterance, None
        if utterance is None:
            return None
        return Transcript(text=await utterance.finish()).event()

    def discard(self) -> None:
        if self._utterance is not None:
            self._utterance.discard()
        self._utterance = None
