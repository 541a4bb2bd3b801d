"""Home Assistant's spoken reply (audio-start, audio chunks, audio-stop) on the speaker, and
`played` sent back once it was heard (with `stopped` when "stop" cut it short)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from wyoming.audio import AudioChunk
from wyoming.event import Event
from wyoming.snd import Played

from indoor_voice_link.protocol import STOPPED

from .audio import Playback, Speaker
from .home_assistant import HomeAssistantLink


class Reply:
    """The reply being played, if any; one at a time."""

    def __init__(
        self,
        speaker: Speaker,
        home_assistant: HomeAssistantLink,
        spawn: Callable[[Coroutine[Any, Any, None]], None],
    ) -> None:
        self._speaker = speaker
        self._home_assistant = home_assistant
        self._spawn = spawn
        self._playback: Playback | None = None

    @property
    def playing(self) -> bool:
        return self._playback is not None

    def start(self) -> None:
        playback = self._speaker.stream()
        self._playback = playback
        # `played` goes to the connection the reply came on, never to a newer one.
        self._spawn(self._report_played(playback, self._home_assistant.outbox))

    def feed(self, event: Event) -> None:
        if self._playback is not None:
            self._playback.feed(AudioChunk.from_event(event))

    def finish(self) -> None:
        """All of it has arrived: it plays to its end."""
        if self._playback is not None:
            self._playback.end()
            self._playback = None

    def stop(self) -> None:
        """Cut it short: what is still to come is dropped."""
        if self._playback is not None:
            self._playback.stop()
            self._playback = None

    async def _report_played(self, playback: Playback, outbox: asyncio.Queue[Event] | None) -> None:
        await playback.played.wait()
        if outbox is not None and outbox is self._home_assistant.outbox:
            played = Played().event()
            if playback.cut:
                played.data[STOPPED] = True
            outbox.put_nowait(played)
