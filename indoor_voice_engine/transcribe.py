"""A transcribe session: `transcribe`, then audio, then the transcript.

Besides Wyoming's `language`, the `transcribe` event's data may carry (each optional; a field
of the wrong type is refused with an `error`, the connection stays usable):
  transcript_names, transcript_terms  lists of strings: the home's names, to bias Whisper
  beam_size                           an integer from 1 to 10
  candidates                          the home's commands (candidates.py)
  candidate_groups                    a list of integers, one per candidate: candidates with
                                      the same number mean the same (candidates.py)
  endpointing                         pauses for endpointing events (endpoint.py)
  after_wake_word                     true when the stream starts right after a wake word
                                      (a satellite's command); noted in the debug log, the
                                      audio is decoded as any other (decoder.py says why)

A client that asked for endpointing may end the stream with `audio-stop` carrying
  as_heard                            a partial transcript it takes for the whole command:
                                      when nothing was said after it, it is the transcript,
                                      sent at once, without weighing the candidates

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
from .requests import BadRequest, optional_bool, optional_str, str_list
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
        groups = data.get("candidate_groups", [])
        if not isinstance(groups, list) or any(
            not isinstance(g, int) or isinstance(g, bool) for g in groups
        ):
            raise BadRequest("bad-request", "candidate_groups must be a list of integers")
        if groups and len(groups) != len(candidates):
            raise BadRequest("bad-request", "candidate_groups needs one integer per candidate")
        language = optional_str(data, "language")
        # A language no model here serves is refused now, before any audio flows.
        self._model = engine.stt.ready(language)
        self._request = Request(
            language=language,
            names=tuple(names),
            terms=tuple(terms),
            beam_size=beam_size,
            candidates=tuple(candidates),
            candidate_groups=tuple(groups),
            after_wake_word=optional_bool(data, "after_wake_word"),
        )
        try:
            self._pauses = Pauses.parse(data.get("endpointing"))  # the client ends the speech
        except EndpointingError as err:
            raise BadRequest("bad-request", str(err)) from err
        self._utterance: Utterance | None = None

    async def prepare(self) -> None:
        """Load the model for the request's language if it is not loaded yet (the first
        request in a language the main model does not serve; downloaded unless offline)."""
        if self._model is None:
            assert self._engine.stt is not None
            self._model = await self._engine.stt.for_language(self._request.language)

    def begin(self) -> None:
        """The audio starts."""
        engine = self._engine
        assert self._model is not None
        max_samples = int(engine.limits.max_utterance_seconds * 16_000)
        endpointer = Endpointer(self._pauses, self._write) if self._pauses else None
        self._utterance = Utterance(
            self._model, engine.stt_order, self._request, max_samples, endpointer
        )

    async def feed(self, samples: np.ndarray, client_timestamp: int | None) -> None:
        assert self._utterance is not None
        if not self._utterance.add(samples):
            raise BadRequest(
                "too-long",
                f"utterance exceeds {self._engine.limits.max_utterance_seconds:.0f} seconds",
            )

    async def finish(self, as_heard: str | None = None) -> Event | None:
        """The audio ended: the transcript (`as_heard`: the partial transcript the client
        took for the whole command, stt.Utterance.finish)."""
        utterance, self._utterance = self._utterance, None
        if utterance is None:
            return None
        return Transcript(text=await utterance.finish(as_heard)).event()

    def discard(self) -> None:
        if self._utterance is not None:
            self._utterance.discard()
        self._utterance = None
