"""Commands the home knows, recognised by Whisper itself.

A client may send candidate sentences with a transcription (the integration sends the
commands Home Assistant understands for the household's exposed entities). With the audio
encoded once (decoder.py), Whisper transcribes it freely, then scores the few candidates
nearest to that transcript, and the free transcript itself, by the probability of their
tokens given the audio. A candidate wins
when Whisper finds it about as likely as what it wrote freely: "Going off in the Hallway
Light" becomes "Turn off the Hallway Light", while a question that is no home command
stays as it was heard. The acoustic model decides, not string distance; string distance
only picks which few candidates are worth scoring.

A client may say which candidates mean the same (`groups`, one number per candidate):
"Schalte die Küchenlampe ein" and "Schalt Küchenlampe an" do one thing, and Whisper finding
them about as likely is no doubt about what was said; the winner has to stand clear only of
candidates that do something else.
"""

from __future__ import annotations

import difflib
import re

import numpy as np

from .decoder import Decoder, Encoded

MAX_CANDIDATES = 1000  # what a client may send
_SHORTLIST = 3  # candidates scored by Whisper (each costs about as much as a decode)
# A candidate may be this much less likely (natural log) than the free transcript and still
# win: Whisper's free guess is the likeliest path token by token, not the likeliest sentence.
# Measured with tiny.en on espeak-ng accents: the right command scores 5-7 below a misheard
# free transcript, the next candidate 10 or more below the right one.
_MARGIN = 8.0
_CLEAR = 2.0  # and the winner must stand this far above the runner-up


def words(text: str) -> str:
    return " ".join(re.findall(r"[\w']+", text.lower()))


def pick(
    decoder: Decoder,
    encoded: Encoded,
    free: str,
    candidates: tuple[str, ...],
    groups: tuple[int, ...] = (),
) -> str:
    """The free transcript, or the candidate Whisper finds about as likely. `groups`: which
    candidates mean the same (one number each); without them, each means something else."""
    shortlist = _shortlist(free, candidates)
    if not shortlist:
        return free
    # What each shortlisted candidate means; without groups, each its own thing.
    meaning = [groups[i] if groups else -1 - i for i in shortlist]
    texts = [free, *(candidates[i] for i in shortlist)]
    scores = decoder.scores(encoded, texts)
    ranked = sorted(range(1, len(texts)), key=lambda i: scores[i], reverse=True)
    best = ranked[0]
    others = [scores[i] for i in ranked[1:] if meaning[i - 1] != meaning[best - 1]]
    runner_up = others[0] if others else -np.inf
    if scores[best] >= scores[0] - _MARGIN and scores[best] >= runner_up + _CLEAR:
        return texts[best]
    return free


def _shortlist(free: str, candidates: tuple[str, ...]) -> list[int]:
    """The few candidates nearest the free transcript, word for word (their indexes); none
    if it is one."""
    heard = words(free)
    if not heard:
        return []
    ratios = []
    for index, candidate in enumerate(candidates):
        said = words(candidate)
        if said == heard:
            return []  # heard right already
        ratios.append((difflib.SequenceMatcher(None, heard, said).ratio(), index))
    ratios.sort(key=lambda pair: pair[0], reverse=True)
    return [index for ratio, index in ratios[:_SHORTLIST] if ratio >= 0.5]
