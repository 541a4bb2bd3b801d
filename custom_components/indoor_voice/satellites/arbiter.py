"""When several satellites hear the same wake word, the one that heard it best answers; when
several people say it at the same moment, each is answered.

Home Assistant's own rule is "first come", which often picks the wrong room. Here every
satellite that hears the same phrase within a short window is a candidate. Candidates whose
wake word fingerprints match (`link.wake_print`: one person's words reaching several rooms)
are one utterance: of those whose wake word score is within a step of the sensitivity scale
(0.25) of the best, the loudest answers, the others stand down — a room far off may score a
little higher than the near one, and loudness tells nearness better. Candidates
whose fingerprints do not match are different people, and each utterance gets its answer. A
satellite that sends no fingerprint (an older one) counts as hearing whatever the others
heard, as before. A household with one satellite never waits.

Home Assistant's pipeline has a rule of its own: a wake word phrase that started a run in the
last 2 s is a duplicate, whichever satellite heard it. The arbiter already told duplicates from
other people, so a second person's run is started without the phrase (`Verdict.ANSWER_TOO`).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from enum import Enum

from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from ..link.wake_print import WakePrint, same_utterance

DATA_ARBITER: HassKey[WakeArbiter] = HassKey(f"{DOMAIN}_wake_arbiter")

SCORE_STEP = 0.25  # hearings this close in score were heard about as well: loudness decides
WINDOW_SECONDS = 0.35  # satellites in one home hear the same words within a few 100 ms
SAME_WAKE_SECONDS = 2.0  # a later hearing of a decided utterance is a duplicate
# Home Assistant's own duplicate rule (2 s), counted from its run's speech-to-text start,
# which comes after our window: a phrase answered this recently would be refused there.
PIPELINE_COOLDOWN_SECONDS = 3.0


class Verdict(Enum):
    STAND_DOWN = "stand down"  # another satellite heard this utterance better
    ANSWER = "answer"  # start the run with the wake word phrase
    ANSWER_TOO = "answer too"  # another person at the same moment: start it without the phrase


@dataclass(frozen=True)
class Hearing:
    satellite: str
    score: float
    level: float
    fingerprint: WakePrint | None = None  # None: the satellite sends none


@dataclass
class _Utterance:
    """One wake word said once, and every satellite that heard it."""

    started: float
    hearings: list[Hearing]
    decided: asyncio.Event = field(default_factory=asyncio.Event)
    winner: str | None = None

    def heard(self, hearing: Hearing) -> bool:
        return any(same_utterance(h.fingerprint, hearing.fingerprint) for h in self.hearings)


class WakeArbiter:
    """One per Home Assistant; satellites register while they are connected."""

    def __init__(self) -> None:
        self._utterances: dict[str, list[_Utterance]] = {}
        self._satellites: set[str] = set()
        self._answered: dict[str, float] = {}  # phrase -> when a run last started with it

    def register(self, satellite: str) -> None:
        self._satellites.add(satellite)

    def unregister(self, satellite: str) -> None:
        self._satellites.discard(satellite)

    async def async_contest(self, phrase: str, hearing: Hearing) -> Verdict:
        """Whether this satellite should answer the wake word it heard, and how."""
        now = time.monotonic()
        recent = [
            u for u in self._utterances.get(phrase, []) if now - u.started <= SAME_WAKE_SECONDS
        ]
        self._utterances[phrase] = recent
        for utterance in recent:
            if not utterance.heard(hearing):
                continue
            if utterance.decided.is_set():
                return Verdict.STAND_DOWN  # heard late; another satellite already answers
            utterance.hearings.append(hearing)
            await utterance.decided.wait()
            return self._verdict(utterance, hearing, phrase)
        utterance = _Utterance(started=now, hearings=[hearing])
        recent.append(utterance)
        if len(self._satellites) > 1:
            await asyncio.sleep(WINDOW_SECONDS)
        utterance.winner = _best(utterance.hearings).satellite
        utterance.decided.set()
        return self._verdict(utterance, hearing, phrase)

    def _verdict(self, utterance: _Utterance, hearing: Hearing, phrase: str) -> Verdict:
        if utterance.winner != hearing.satellite:
            return Verdict.STAND_DOWN
        now = time.monotonic()
        last = self._answered.get(phrase)
        self._answered[phrase] = now
        if last is not None and now - last < PIPELINE_COOLDOWN_SECONDS:
            return Verdict.ANSWER_TOO
        return Verdict.ANSWER


def _best(hearings: list[Hearing]) -> Hearing:
    """The loudest of the hearings that scored about as well as the best."""
    top = max(hearing.score for hearing in hearings)
    return max((h for h in hearings if h.score >= top - SCORE_STEP), key=lambda h: h.level)
