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
from functools import lru_cache

import numpy as np

from .decoder import Decoder, Encoded, Score

MAX_CANDIDATES = 1000  # what a client may send
_SHORTLIST = 3  # meanings scored by Whisper (each candidate costs about as much as a decode)
_WORDINGS = 2  # wordings scored of each meaning
_NEAR_ENOUGH = 0.5  # difflib's ratio of a candidate worth scoring to the free transcript
_RIVALS = 12  # candidates a word away from a winner weighed against it, at most
# A candidate may be this much less likely (natural log) than the free transcript and still
# win: Whisper's free guess is the likeliest path token by token, not the likeliest sentence.
# Measured with tiny.en on espeak-ng accents: the right command scores 5-7 below a misheard
# free transcript, the next candidate 10 or more below the right one.
_MARGIN = 8.0
# More where more words were misheard: Whisper base on espeak-ng's German scores the right
# command about 10 below "Stehle die Fälligkeit der Küchenampe auf 10%" (three words off).
_MARGIN_PER_WORD = 4.0
_MAX_MARGIN = 12.0
# And no worse a token than this below the free transcript's: a short command is likely
# for being short ("Arrête Cuisine." for "Alhyn, Alhyn, Lampadaire, Clinine.", 6 a token
# against 2.5); a misheard command put right is 1 worse a token or less.
_PER_TOKEN = 1.5
_CLEAR = 2.0  # and the winner must stand this far above the runner-up
# A free transcript less likely than this a token (natural log) is Whisper's guess: base on
# espeak-ng's French wrote "Alunya, Alunya, Pera Klinin" (-2.2 a token) for "Allume la
# lumière de la cuisine", which it finds likelier (-2.0 a token, -14 against -24 in all)
# but which no string distance puts near. A well heard sentence scores -0.2 to -1.
_GUESS = -1.5

# For each word of the candidates, the places it stands in (numbered) and what it means there.
_Places = dict[str, dict[int, frozenset[int]]]
# difflib's ratio of a run of heard words to the words a candidate puts in its place, spelt
# together, above which they are one thing misheard ("all way" / "hallway": 0.92; "turn on
# the" / "switch off": 0.22; "30" / "40": 0.5).
_ALIKE = 0.75


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
    candidates mean the same (one number each); without them, each means something else.

    A candidate that would win is first weighed against its rivals: the candidates that
    differ from it by one word and mean something else ("off" for "on", "60" for "50").
    Whisper may hear "turn … off the kitchen light" as "Turn, Half-Makitian Light.", and
    find "Turn on the Kitchen Light." likelier than that; it must find it clearly likelier
    than "Turn off the Kitchen Light." too, or what the home does would hang on a word it
    heard weakly.

    Where no command stands near what Whisper wrote, that stays, unless Whisper was unsure
    of it (`_GUESS`): then the nearest commands are scored anyway, and one wins only when
    Whisper finds it at least as likely as its guess."""
    heard = words(free)
    if (same := next((c for c in candidates if words(c) == heard), None)) is not None:
        return same  # heard right: as the home writes it ("… auf 10%" → "… auf 10%.")
    meaning = groups or tuple(range(len(candidates)))  # without groups, each its own thing
    if shortlist := _shortlist(free, candidates, meaning, _NEAR_ENOUGH):
        free_score, *found = decoder.scores(encoded, [free, *(candidates[i] for i in shortlist)])
        guess = False
    else:
        (free_score,) = decoder.scores(encoded, [free])
        if not (guess := free_score.per_token < _GUESS):
            return free  # heard surely, and no command of the home
        shortlist = _shortlist(free, candidates, meaning, 0.0)
        found = decoder.scores(encoded, [candidates[i] for i in shortlist])
    scores = dict(zip(shortlist, found, strict=True))
    winner = _winner(free, candidates, scores, meaning, free_score, guess)
    if winner is None:
        return free
    rivals = [i for i in _rivals(free, winner, candidates, meaning) if i not in scores]
    if rivals:
        found = decoder.scores(encoded, [candidates[i] for i in rivals])
        scores.update(zip(rivals, found, strict=True))
        winner = _winner(free, candidates, scores, meaning, free_score, guess)
    return free if winner is None else candidates[winner]


def _winner(
    free: str,
    candidates: tuple[str, ...],
    scores: dict[int, Score],
    meaning: tuple[int, ...],
    free_score: Score,
    guess: bool,
) -> int | None:
    """The likeliest scored candidate, if it is about as likely as the free transcript (at
    least as likely, in all and a token, when that is a `guess`) and clearly likelier than
    every scored candidate that means something else. A candidate that overrules a word
    Whisper heard (`_contradicts`) neither wins nor stands in the way: the free transcript
    has decided that word already."""
    places = _places(candidates, meaning)
    ranked = sorted(
        (i for i in scores if not _contradicts(free, candidates[i], places)),
        key=lambda i: scores[i].total,
        reverse=True,
    )
    if not ranked:
        return None
    best = ranked[0]
    score = scores[best]
    others = (scores[i].total for i in ranked[1:] if meaning[i] != meaning[best])
    runner_up = next(others, -np.inf)
    margin, per_token = (0.0, 0.0) if guess else (_margin(free, candidates[best]), _PER_TOKEN)
    if (
        score.total >= free_score.total - margin
        and score.per_token >= free_score.per_token - per_token
        and score.total >= runner_up + _CLEAR
    ):
        return best
    return None


def _contradicts(free: str, candidate: str, places: _Places) -> bool:
    """Whether the candidate says, in place of a word Whisper heard, a word that makes
    another command of the home out of the same words ("off" where it heard "on", "30"
    where it heard "90"): a candidate puts right what was heard amiss, never what was
    heard. Words the candidate puts in place of a run of heard words spelt about alike are
    that run misheard, not overruled: "all-way" heard where it says "hallway", though the
    home's "Turn on all lights." and "Turn on hallway lights." do different things."""
    heard, said = words(free).split(), words(candidate).split()
    matcher = difflib.SequenceMatcher(None, heard, said, autojunk=False)
    for kind, h1, h2, s1, s2 in matcher.get_opcodes():
        if kind != "replace" or _spelt_alike(heard[h1:h2], said[s1:s2]):
            continue
        for was in heard[h1:h2]:
            for put in said[s1:s2]:
                here, there = places.get(was, {}), places.get(put, {})
                if any(here[place] != there[place] for place in here.keys() & there.keys()):
                    return True
    return False


def _spelt_alike(heard: list[str], said: list[str]) -> bool:
    return difflib.SequenceMatcher(None, "".join(heard), "".join(said)).ratio() >= _ALIKE


@lru_cache(maxsize=8)
def _places(candidates: tuple[str, ...], meaning: tuple[int, ...]) -> _Places:
    """For each word of the candidates, the places it stands in (a candidate with that
    word left out) and what the candidates with it there mean."""
    numbered: dict[tuple[str, ...], int] = {}
    found: dict[str, dict[int, set[int]]] = {}
    for candidate, means in zip(candidates, meaning, strict=True):
        said = words(candidate).split()
        for index, word in enumerate(said):
            place = numbered.setdefault((*said[:index], "", *said[index + 1 :]), len(numbered))
            found.setdefault(word, {}).setdefault(place, set()).add(means)
    return {
        word: {place: frozenset(meant) for place, meant in at.items()} for word, at in found.items()
    }


def _margin(free: str, candidate: str) -> float:
    """How much less likely than the free transcript a candidate may be, in all."""
    heard, said = words(free).split(), words(candidate).split()
    blocks = difflib.SequenceMatcher(None, heard, said, autojunk=False).get_matching_blocks()
    misheard = max(len(heard), len(said)) - sum(block.size for block in blocks)
    return min(max(_MARGIN, _MARGIN_PER_WORD * misheard), _MAX_MARGIN)


def _rivals(
    free: str, winner: int, candidates: tuple[str, ...], meaning: tuple[int, ...]
) -> list[int]:
    """The candidates one word away from the winner that mean something else, at most
    `_RIVALS`: for each word of the winner in turn, the next nearest to the free transcript
    that puts another word there, so that eleven numbers do not crowd out the other name."""
    said = words(candidates[winner]).split()
    heard = words(free)
    by_place: dict[int, list[tuple[float, int]]] = {}
    for index, candidate in enumerate(candidates):
        if meaning[index] == meaning[winner]:
            continue
        other = words(candidate)
        if (place := _the_word_apart(said, other.split())) is not None:
            nearness = difflib.SequenceMatcher(None, heard, other).ratio()
            by_place.setdefault(place, []).append((nearness, index))
    queues = [sorted(found, reverse=True) for _, found in sorted(by_place.items())]
    rivals: list[int] = []
    while any(queues) and len(rivals) < _RIVALS:
        rivals.extend(queue.pop(0)[1] for queue in queues if queue)
    return rivals[:_RIVALS]


def _the_word_apart(a: list[str], b: list[str]) -> int | None:
    """Where b puts another word for one of a's, or adds or leaves out one; None when they
    are further apart (or the same)."""
    if len(a) == len(b):
        apart = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return apart[0] if len(apart) == 1 else None
    if abs(len(a) - len(b)) != 1:
        return None
    short, long = sorted((a, b), key=len)
    return next((i for i in range(len(long)) if long[:i] + long[i + 1 :] == short), None)


def _shortlist(
    free: str, candidates: tuple[str, ...], meaning: tuple[int, ...], near_enough: float
) -> list[int]:
    """The candidates nearest the free transcript, word for word (their indexes), at least
    `near_enough` (difflib's ratio): the nearest of the `_SHORTLIST` nearest meanings,
    `_WORDINGS` of each. Three wordings of "turn on the kitchen light" may all stand nearer
    a misheard "our kitchen light" than "turn off the kitchen light" does, and the off
    command must be weighed against them, or a word Whisper heard weakly would flip what
    the home does."""
    heard = words(free)
    if not heard:
        return []
    ratios = [
        (difflib.SequenceMatcher(None, heard, words(candidate)).ratio(), index)
        for index, candidate in enumerate(candidates)
    ]
    ratios.sort(key=lambda pair: pair[0], reverse=True)
    taken: dict[int, int] = {}  # meaning → wordings shortlisted
    shortlist = []
    for ratio, index in ratios:
        if ratio < near_enough:
            break
        means = meaning[index]
        if means not in taken and len(taken) == _SHORTLIST:
            continue
        if taken.get(means, 0) < _WORDINGS:
            taken[means] = taken.get(means, 0) + 1
            shortlist.append(index)
    return shortlist
