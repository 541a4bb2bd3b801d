"""When several satellites hear the same wake word, the one that heard it best answers.

Home Assistant's own rule is "first come", which often picks the wrong room. Here every
satellite that hears the same phrase within a short window is a candidate; the winner has
the highest wake word score (in steps of 0.1, since nearby rooms score alike) and then the
loudest wake word. The others stand down. A household with one satellite never waits.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN

DATA_ARBITER: HassKey[WakeArbiter] = HassKey(f"{DOMAIN}_wake_arbiter")

WINDOW_SECONDS = 0.35  # satellites in one home hear the same words within a few 100 ms
SAME_WAKE_SECONDS = 2.0  # a later hearing of a decided wake word is a duplicate


@dataclass(frozen=True)
class Hearing:
    satellite: str
    score: float
    level: float

    @property
    def rank(self) -> tuple[float, float]:
        return (round(self.score, 1), self.level)


@dataclass
class _Contest:
    started: float
    hearings: list[Hearing]
    decided: asyncio.Event = field(default_factory=asyncio.Event)
    winner: str | None = None


class WakeArbiter:
    """One per Home Assistant; satellites register while they are connected."""

    def __init__(self) -> None:
        self._contests: dict[str, _Contest] = {}
        self._satellites: set[str] = set()

    def register(self, satellite: str) -> None:
        self._satellites.add(satellite)

    def unregister(self, satellite: str) -> None:
        self._satellites.discard(satellite)

    async def async_contest(self, phrase: str, hearing: Hearing) -> bool:
        """True if this satellite should answer the wake word it heard."""
        now = time.monotonic()
        contest = self._contests.get(phrase)
        if contest is not None and now - contest.started <= SAME_WAKE_SECONDS:
            if contest.decided.is_set():
                return False  # heard late; another satellite already answers
            contest.hearings.append(hearing)
            await contest.decided.wait()
            return contest.winner == hearing.satellite
        contest = _Contest(started=now, hearings=[hearing])
        self._contests[phrase] = contest
        if len(self._satellites) > 1:
            await asyncio.sleep(WINDOW_SECONDS)
        contest.winner = max(contest.hearings, key=lambda h: h.rank).satellite
        contest.decided.set()
        return contest.winner == hearing.satellite
