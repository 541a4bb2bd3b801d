"""End of speech, told to the client as it happens, when the client asks for it.

A client that decides itself when a command is complete (the Home Assistant integration
checks each partial transcript against the home's intents) sends, in `transcribe`:

    "endpointing": {"partial_ms": 180, "end_ms": 800, "long_ms": 1500}

and then hears, while it keeps streaming:
  voice-started       {"timestamp": ms}                        speech began
  partial-transcript  {"text": ..., "speech_end_ms": ms}        after a `partial_ms` pause:
                                                                 the speech so far, decoded
  voice-stopped       {"timestamp": ms, "pause_ms": ms}        the pause reached `end_ms`,
                                                                 then again at `long_ms`
Timestamps are positions in the audio sent (the end of the last loud frame). Nothing is
decided here: the client ends the stream with audio-stop as always, and the transcript
then comes at once when nothing was said after the last partial.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wyoming.event import Event

if TYPE_CHECKING:
    from .stt import Listened

_LOGGER = logging.getLogger(__name__)

FRAME_MS = 30  # the energy frames of stt.Utterance
_LIMITS_MS = (60, 10_000)

Send = Callable[[Event], Awaitable[None]]


class EndpointingError(ValueError):
    """The client's endpointing settings are not usable."""


@dataclass(frozen=True)
class Pauses:
    """Pause lengths, in energy frames, at which the client hears something."""

    partial: int
    end: int
    long: int

    @classmethod
    def parse(cls, data: Any) -> Pauses | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            raise EndpointingError("endpointing must be an object")
        values = []
        for key, default in (("partial_ms", 180), ("end_ms", 800), ("long_ms", 1500)):
            value = data.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool):
                raise EndpointingError(f"endpointing.{key} must be an integer")
            if not _LIMITS_MS[0] <= value <= _LIMITS_MS[1]:
                raise EndpointingError(
                    f"endpointing.{key} must be from {_LIMITS_MS[0]} to {_LIMITS_MS[1]}"
                )
            values.append(max(1, round(value / FRAME_MS)))
        partial, end, long = values
        if not partial <= end <= long:
            raise EndpointingError("endpointing needs partial_ms ≤ end_ms ≤ long_ms")
        return cls(partial, end, long)


class Endpointer:
    """Sends one utterance's endpointing events; owns the tasks that send them."""

    def __init__(self, pauses: Pauses, send: Send) -> None:
        self.pauses = pauses
        self._send = send
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_loud = -1
        self._partials = 0

    def speech(self, end_frame: int) -> None:
        """A loud frame; the first one of the utterance says that speech began."""
        started = self._last_loud < 0
        self._last_loud = end_frame
        if started:
            self._emit(Event("voice-started", {"timestamp": end_frame * FRAME_MS}))

    def pause(self, paused: int, last_loud: int) -> None:
        """Another quiet frame after speech (`paused` of them so far)."""
        if paused in (self.pauses.end, self.pauses.long):
            ms = (last_loud + 1) * FRAME_MS
            self._emit(Event("voice-stopped", {"timestamp": ms, "pause_ms": paused * FRAME_MS}))

    def partial(self, last_loud: int, guess: asyncio.Future[Listened]) -> None:
        """Send the decode of the speech up to `last_loud` once it is done, unless the
        client spoke again meanwhile (it would end a command that is still going on)."""
        ms = (last_loud + 1) * FRAME_MS

        async def send_when_done() -> None:
            text = (await asyncio.shield(guess)).free  # finish() may still want the guess
            if self._last_loud != last_loud:
                return
            self._partials += 1
            await self._send(Event("partial-transcript", {"text": text, "speech_end_ms": ms}))

        self._track(send_when_done)

    def _emit(self, event: Event) -> None:
        self._track(lambda: self._send(event))

    def _track(self, work: Callable[[], Awaitable[None]]) -> None:
        # The coroutine is made inside the task: a task cancelled before it ran then leaves
        # no coroutine behind that was never awaited.
        async def run() -> None:
            try:
                await work()
            except (ConnectionError, TimeoutError):
                _LOGGER.debug("Client went away before an endpointing event")

        task = asyncio.create_task(run(), name="indoor-voice endpointing")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        """The stream ended: what was not sent yet is stale."""
        _LOGGER.debug("Sent %d partial transcripts", self._partials)
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()
