"""Waits after wrong pairing codes, kept per source address.

Per address, so that a stranger's wrong codes never lock out the household's own pairing
from another machine.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

_MAX_SOURCES = 256  # addresses remembered; the oldest is forgotten first


class FailureLimiter:
    """After `free` wrong codes in a row, pairing waits `delay` seconds, doubling each time.

    The code has 80 bits, so this is not what keeps guessing out; it keeps a stranger from
    making the satellite work, and makes repeated attempts visible as refusals.
    """

    def __init__(
        self,
        free: int = 3,
        delay: float = 30.0,
        max_delay: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._free = free
        self._delay = delay
        self._max_delay = max_delay
        self._clock = clock
        self._failures = 0
        self._locked_until = 0.0

    def retry_after(self) -> float:
        return max(0.0, self._locked_until - self._clock())

    def failed(self) -> None:
        self._failures += 1
        if self._failures >= self._free:
            doublings = self._failures - self._free
            delay = min(self._max_delay, self._delay * 2 ** min(doublings, 32))
            self._locked_until = self._clock() + delay

    def succeeded(self) -> None:
        self._failures = 0
        self._locked_until = 0.0


class SourceLimiters:
    """One FailureLimiter per source address, for the most recent few hundred addresses."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._limiters: OrderedDict[str, FailureLimiter] = OrderedDict()

    def __getitem__(self, source: str) -> FailureLimiter:
        limiter = self._limiters.pop(source, None) or FailureLimiter(clock=self._clock)
        self._limiters[source] = limiter
        while len(self._limiters) > _MAX_SOURCES:
            self._limiters.popitem(last=False)
        return limiter
