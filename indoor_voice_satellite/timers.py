"""Timers on the device: Home Assistant starts, changes and cancels them; the satellite counts
down itself and rings at the end, again and again, until "stop" or `ring_limit` seconds."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from wyoming.event import Event

from .audio import Speaker

_LOGGER = logging.getLogger(__name__)


class Timers:
    """The running timers, by Home Assistant's id, and the ringing."""

    def __init__(
        self, speaker: Speaker, alarm: bytes, ring_limit: float, on_change: Callable[[], None]
    ) -> None:
        self._speaker = speaker
        self._alarm = alarm
        self._ring_limit = ring_limit
        self._on_change = on_change
        self._countdowns: dict[str, asyncio.TimerHandle] = {}
        self._done: set[str] = set()
        self._ringing: asyncio.Task[None] | None = None

    @property
    def ringing(self) -> bool:
        return self._ringing is not None and not self._ringing.done()

    @property
    def running(self) -> int:
        return len(self._countdowns)

    def handlers(self) -> dict[str, Callable[[Event], None]]:
        """What the timer events of Home Assistant's wyoming protocol do."""
        return {
            "timer-started": self._count_down,
            "timer-updated": self._count_down,
            "timer-cancelled": self._cancelled,
            "timer-finished": lambda event: self._finished(str(event.data.get("id"))),
        }

    def _count_down(self, event: Event) -> None:
        timer_id = str(event.data.get("id"))
        self._forget(timer_id)
        if event.data.get("is_active", True) is False:
            return  # paused: Home Assistant sends it again when it runs on
        seconds = float(event.data.get("total_seconds") or 0)
        loop = asyncio.get_running_loop()
        self._countdowns[timer_id] = loop.call_later(seconds, self._finished, timer_id)
        _LOGGER.info("Timer of %d s running (%d in all)", seconds, len(self._countdowns))

    def _cancelled(self, event: Event) -> None:
        self._forget(str(event.data.get("id")))
        _LOGGER.info("Timer cancelled (%d running)", len(self._countdowns))

    def _forget(self, timer_id: str) -> None:
        if (countdown := self._countdowns.pop(timer_id, None)) is not None:
            countdown.cancel()

    def _finished(self, timer_id: str) -> None:
        """The countdown reached zero here, or Home Assistant says so: whichever comes first."""
        if timer_id in self._done:
            return  # rang already
        self._done.add(timer_id)
        self._forget(timer_id)
        if not self.ringing:
            _LOGGER.info("A timer is done: ringing")
            self._ringing = asyncio.create_task(self._ring())
            self._on_change()

    async def _ring(self) -> None:
        try:
            async with asyncio.timeout(self._ring_limit):
                while True:
                    await self._speaker.play(self._alarm).played.wait()
                    await asyncio.sleep(0.05)  # never a busy loop, even without a speaker
        except TimeoutError:
            _LOGGER.info("Nobody stopped the timer; ringing ends")
        finally:
            self._ringing = None
            self._on_change()

    def stop_ringing(self) -> bool:
        """End the ringing now; whether it was ringing."""
        if (ringing := self._ringing) is None or ringing.done():
            return False
        ringing.cancel()
        self._speaker.stop()
        return True

    async def close(self) -> None:
        for countdown in self._countdowns.values():
            countdown.cancel()
        self._countdowns.clear()
        if (ringing := self._ringing) is not None:
            ringing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ringing
