"""Connection slots that a stranger cannot fill: evict the idle before refusing the busy.

A server has a fixed number of slots, and each source address a share of them. When a
newcomer needs a slot, a connection that is idle, stalled or not authenticated gives its slot
up (the busiest source's longest-quiet one first); a client in the middle of a request or an
authenticated peer never does. Only when no one can give way is the newcomer refused.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Generic, Protocol, TypeVar


class Occupant(Protocol):
    """One connection holding a slot."""

    @property
    def source(self) -> str: ...

    def evictable(self, now: float) -> bool:
        """True if this connection may give its slot up to a newcomer."""

    def quiet_for(self, now: float) -> float:
        """Seconds since this connection last made progress."""

    def evict(self) -> None:
        """Close the connection now (its slot is already free)."""


T = TypeVar("T", bound=Occupant)


class Slots(Generic[T]):
    """Who holds a server's slots, and whom to evict when a newcomer needs one."""

    def __init__(
        self, total: int, per_source: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._total = total
        self._per_source = per_source
        self._clock = clock
        self._held: set[T] = set()

    def __len__(self) -> int:
        return len(self._held)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._held))

    def admit(self, newcomer: T) -> bool:
        """Give the newcomer a slot, evicting someone if needed; False if no one can give way."""
        now = self._clock()
        same_source = [o for o in self._held if o.source == newcomer.source]
        if len(same_source) >= self._per_source and not self._evict_one(same_source, now):
            return False
        if len(self._held) >= self._total and not self._evict_one(self._held, now):
            return False
        self._held.add(newcomer)
        return True

    def release(self, occupant: T) -> None:
        self._held.discard(occupant)

    def _evict_one(self, among: set[T] | list[T], now: float) -> bool:
        candidates = [o for o in among if o.evictable(now)]
        if not candidates:
            return False
        per_source = Counter(o.source for o in self._held)
        victim = max(candidates, key=lambda o: (per_source[o.source], o.quiet_for(now)))
        self._held.discard(victim)
        victim.evict()
        return True
