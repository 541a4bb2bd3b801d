"""Timers on the satellite: Home Assistant's intent timers for the satellite's device.

"Set a timer for ten minutes" asked of a satellite starts a timer of that satellite's device;
its start, changes, cancellation and end go to that satellite only, which counts down and rings
itself. A satellite that comes back (a restart, a lost link) is told again of the timers still
running, and of any that finished while it was away.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from homeassistant.components import intent
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from wyoming.event import Event
from wyoming.timer import TimerCancelled, TimerFinished, TimerStarted, TimerUpdated

from ..compat import async_active_timers

_LOGGER = logging.getLogger(__name__)

type Send = Callable[[Event], Awaitable[bool]]  # True once the satellite has it


class SatelliteTimers:
    """Forwards one device's timer events to its satellite over the link."""

    def __init__(
        self, hass: HomeAssistant, device_id: str, send: Send, spawn: Callable[..., None]
    ) -> None:
        self._hass = hass
        self._device_id = device_id
        self._send = send
        self._spawn = spawn
        self._missed: set[str] = set()  # finished while the satellite was away

    @callback
    def async_register(self) -> CALLBACK_TYPE:
        """Become the timer handler of the device (timers are then allowed on it)."""
        return intent.async_register_timer_handler(self._hass, self._device_id, self._on_timer)

    @callback
    def _on_timer(self, event_type: intent.TimerEventType, timer: intent.TimerInfo) -> None:
        if event_type is intent.TimerEventType.STARTED:
            event = _started(timer, timer.seconds)
        elif event_type is intent.TimerEventType.UPDATED:
            event = TimerUpdated(
                id=timer.id, is_active=timer.is_active, total_seconds=timer.seconds
            ).event()
        elif event_type is intent.TimerEventType.CANCELLED:
            event = TimerCancelled(id=timer.id).event()
        else:
            event = TimerFinished(id=timer.id).event()
        self._spawn(self._deliver(event, timer.id, finished=event.type == "timer-finished"))

    async def _deliver(self, event: Event, timer_id: str, *, finished: bool) -> None:
        if not await self._send(event) and finished:
            self._missed.add(timer_id)

    async def async_tell_again(self) -> None:
        """A satellite (re)connected: the timers of its device that run, and those it missed."""
        for timer in async_active_timers(self._hass, self._device_id):
            if timer.is_active:
                await self._send(_started(timer, timer.seconds_left))
            else:  # paused: it counts down once Home Assistant resumes it
                await self._send(
                    TimerUpdated(id=timer.id, is_active=False, total_seconds=timer.seconds).event()
                )
        for timer_id in list(self._missed):
            # It must ring the timer it never heard of: start it at zero, then finish it.
            if await self._send(TimerStarted(id=timer_id, total_seconds=0).event()):
                await self._send(TimerFinished(id=timer_id).event())
                self._missed.discard(timer_id)
        _LOGGER.debug("Told the satellite of its timers again")


def _started(timer: intent.TimerInfo, seconds: int) -> Event:
    return TimerStarted(
        id=timer.id,
        total_seconds=seconds,
        name=timer.name,
        start_hours=timer.start_hours,
        start_minutes=timer.start_minutes,
        start_seconds=timer.start_seconds,
    ).event()
