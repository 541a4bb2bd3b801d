"""The home's commands nearest to a transcript Home Assistant does not understand.

Whisper often hears a command a letter or a syllable off ("Schalz die Küchenlampe ein",
"Encien de la luz de la cocía", "Immer die Schreibtischlampe auf 50%"), too far from the
sample of commands sent with the audio (sample.py), which cannot hold every wording of
every template. Here each word of the transcript is put back to the nearest words the
home's commands use, or to a number in the language's words (two words to one, one to two,
or a few left out), walking the command automaton so that only beginnings of real commands
are followed, and the nearest whole commands are returned. They are only suggestions: the
engine weighs them against the audio (candidates.py), and one wins only when Whisper finds
it as likely as what it heard.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .automaton import CommandAutomaton
from .words import NUMBER, Words

MAX_SUGGESTIONS = 8
MAX_RIVALS = 24
_BEAM = 20  # beginnings kept at each word
_NEAR = 4  # nearest known words tried for a heard word
_MIN_RATIO = 0.5  # a heard word and a known word this alike, at least (difflib's ratio)
_LEAVE_OUT = 0.7  # what leaving a heard word out costs (a word put back costs 1 - ratio)
_MAX_COST_PER_WORD = 0.45  # a suggestion further from what was heard is none
_SPLIT_LETTERS = 6  # a heard word this long may be two words run together
_SPLITS = 4  # ways of hearing it as two tried, the cheapest
_SPLIT_NEAREST = 2  # known words tried for each part


@dataclass
class Vocabulary:
    """The words the home's commands use, normalised, each as it is written."""

    written: dict[str, str] = field(default_factory=dict)

    def add(self, words: Words, texts: Iterable[str]) -> None:
        for text in texts:
            for word, shown in zip(words.split(text), words.split_written(text), strict=True):
                self.written.setdefault(word, shown)

    @property
    def known(self) -> tuple[str, ...]:
        return tuple(w for w in self.written if w != NUMBER)


@dataclass(order=True)
class _Beginning:
    cost: float
    said: tuple[str, ...]  # normalised, for the automaton
    shown: tuple[str, ...]  # as the suggestion writes them
    left_out: int = 0  # heard words left out


def nearest_commands(
    text: str, words: Words, automaton: CommandAutomaton, vocabulary: Vocabulary
) -> list[str]:
    """Up to `MAX_SUGGESTIONS` whole commands of the home nearest the text, nearest first;
    none when the text is one already or nothing is near."""
    heard = automaton.words.split(text)
    heard_shown = words.split_written(text)
    if not heard or automaton.read_words(heard).whole:
        return []
    near = _Near(vocabulary, words.number_words)
    begins: dict[tuple[str, ...], bool] = {}

    def a_beginning(said: tuple[str, ...]) -> bool:
        if (known := begins.get(said)) is None:
            known = begins[said] = automaton.read_words(list(said)).begins
        return known

    levels: list[list[_Beginning]] = [[] for _ in range(len(heard) + 1)]
    levels[0].append(_Beginning(0.0, (), ()))
    may_leave_out = max(1, len(heard) // 4)
    for index in range(len(heard)):
        for beginning in sorted(levels[index])[:_BEAM]:
            for step, cost, said, shown in _steps(heard, heard_shown, index, near):
                said_now = beginning.said + said
                left_out = beginning.left_out + (not said)
                if left_out > may_leave_out or (said and not a_beginning(said_now)):
                    continue
                levels[index + step].append(
                    _Beginning(beginning.cost + cost, said_now, beginning.shown + shown, left_out)
                )
    limit = _MAX_COST_PER_WORD * len(heard)
    found: dict[tuple[str, ...], str] = {}
    for end in sorted(levels[-1]):
        if end.cost > limit or len(found) >= MAX_SUGGESTIONS:
            break
        if end.said and end.said not in found and automaton.read_words(list(end.said)).whole:
            found[end.said] = _written(end.shown)
    return list(found.values())


def rivals(nearest: list[str], commands: list[str], meanings: list[int], words: Words) -> list[str]:
    """Up to `MAX_RIVALS` commands a word away from the nearest: where the home's commands
    put one word for another and mean something else (another name, "aus" for "ein", "20"
    for "10"), that word put in a nearest command's place. The engine weighs a winner
    against them (candidates.py); among the nearest alone, a name Whisper misheard as
    another has no rival. Home Assistant's recognizer still judges each."""
    swaps = _swaps(commands, meanings, words)
    found: dict[str, None] = {}
    for command in nearest:
        said, written = words.split_numbers(command), words.split_written(command)
        for index, word in enumerate(said):
            for other in sorted(swaps.get(word, ())):
                text = _written((*written[:index], other, *written[index + 1 :]))
                if text not in nearest:
                    found.setdefault(text)
    return list(found)[:MAX_RIVALS]


def _swaps(commands: list[str], meanings: list[int], words: Words) -> dict[str, set[str]]:
    """For each word of the commands, the words (as written) another command of another
    meaning says in its place, all else the same."""
    places: dict[tuple[str, ...], dict[str, tuple[str, set[int]]]] = {}
    for command, meaning in zip(commands, meanings, strict=True):
        said, written = words.split_numbers(command), words.split_written(command)
        for index, word in enumerate(said):
            place = (*said[:index], "\0", *said[index + 1 :])
            here = places.setdefault(place, {})
            here.setdefault(word, (written[index], set()))[1].add(meaning)
    swaps: dict[str, set[str]] = {}
    for at_place in places.values():
        for word, (_shown, meant) in at_place.items():
            for other, (shown, other_meant) in at_place.items():
                if other != word and meant != other_meant:
                    swaps.setdefault(word, set()).add(shown)
    return swaps


def _steps(
    heard: list[str], shown: list[str], index: int, near: _Near
) -> Iterable[tuple[int, float, tuple[str, ...], tuple[str, ...]]]:
    """Ways to put back the heard word at `index`: (words used up, cost, words, as written)."""
    word = heard[index]
    if word == NUMBER:
        yield 1, 0.0, (NUMBER,), (shown[index],)
        return
    yield 1, _LEAVE_OUT, (), ()
    for known, ratio in near(word):
        yield 1, 1 - ratio, (known,), (near.written(known),)
    for number, ratio in near.numbers(word):  # "mie" → "diez"
        yield 1, 1 - ratio, (NUMBER,), (number,)
    if index + 1 < len(heard) and heard[index + 1] != NUMBER:  # "encien de" → "enciende"
        for known, ratio in near(word + heard[index + 1]):
            yield 2, 1 - ratio, (known,), (near.written(known),)
        for number, ratio in near.numbers(word + heard[index + 1]):  # "lieb sich" → "siebzig"
            yield 2, 1 - ratio, (NUMBER,), (number,)
    if len(word) >= _SPLIT_LETTERS:  # "luminositabella", "küchenampein"
        for cost, said, written in near.splits(word):
            yield 1, cost, said, written


class _Near:
    """The nearest known words of a heard word, remembered for one transcript."""

    def __init__(self, vocabulary: Vocabulary, numbers: tuple[str, ...]) -> None:
        self._vocabulary = vocabulary
        self._known = vocabulary.known
        # A number in words only where the home's commands take a number.
        self._numbers = numbers if NUMBER in vocabulary.written else ()

    def written(self, word: str) -> str:
        return self._vocabulary.written.get(word, word)

    def __call__(self, word: str) -> tuple[tuple[str, float], ...]:
        return _nearest(word, self._known)

    def numbers(self, word: str) -> tuple[tuple[str, float], ...]:
        """The nearest number in the language's words, if any is near."""
        return _nearest(word, self._numbers)[:1] if self._numbers else ()

    def splits(self, word: str) -> list[tuple[float, tuple[str, ...], tuple[str, ...]]]:
        """The cheapest ways to hear one word as two (cost, words, as written): each part
        a known word or a number in the language's words. Not only the cheapest: "in" is
        nearer the end of "küchenampein" than "ein" is, but only "Küchenlampe ein" makes a
        command, which the automaton decides."""
        found: dict[tuple[str, ...], tuple[float, tuple[str, ...]]] = {}
        for cut in range(2, len(word) - 1):
            for said, written, cost in self._parts(word[:cut], word[cut:]):
                if said not in found or cost < found[said][0]:
                    found[said] = (cost, written)
        ranked = sorted((cost, said, written) for said, (cost, written) in found.items())
        return ranked[:_SPLITS]

    def _parts(
        self, first: str, second: str
    ) -> Iterable[tuple[tuple[str, ...], tuple[str, ...], float]]:
        for said_first, written_first, ratio_first in self._readings(first):
            for said_second, written_second, ratio_second in self._readings(second):
                cost = (1 - ratio_first) + (1 - ratio_second)
                yield (said_first, said_second), (written_first, written_second), cost

    def _readings(self, part: str) -> list[tuple[str, str, float]]:
        """A part of a word as the nearest known words, or a number in words ("ein")."""
        known = [(w, self.written(w), ratio) for w, ratio in self(part)[:_SPLIT_NEAREST]]
        return known + [(NUMBER, number, ratio) for number, ratio in self.numbers(part)]


@lru_cache(maxsize=4096)
def _nearest(word: str, known: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    matcher = difflib.SequenceMatcher(None, b=word)
    scored = []
    for candidate in known:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < _MIN_RATIO or matcher.quick_ratio() < _MIN_RATIO:
            continue
        if (ratio := matcher.ratio()) >= _MIN_RATIO:
            scored.append((candidate, ratio))
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return tuple(scored[:_NEAR])


def _written(shown: tuple[str, ...]) -> str:
    text = " ".join(shown).replace(" %", "%")
    return text[:1].upper() + text[1:] + "." if text else text
