"""The commands of one home as a letter-by-letter automaton: which words begin one, which
make one whole.

Every template of the language is compiled once into a nondeterministic automaton over
normalised letters (words.py), a slot ("{name}", "{area}", "{brightness}") being a jump into
a shared piece that spells the slot's values and back. The home's names enter only as those
pieces, so the size grows with templates plus names, never with their product, and stays
under `MAX_STATES`. Questions are answered by walking it with sets of states, remembered
(a lazily built deterministic automaton), so a partial transcript costs a few lookups.

Spaces: a template may say "[<turn>] {name}" where the transcript says "kitchen light", so
spaces in a template collapse, as in Home Assistant's matcher; a word still has to end
where a template's word ends ("kitchen" does not begin "kitchenette light").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import permutations

from .templates import (
    MAX_DEPTH,
    Alt,
    Node,
    NumberRange,
    Perm,
    Rule,
    Seq,
    Slot,
    Template,
    Templates,
    Text,
    Values,
    fillable,
    values_for,
)
from .words import NUMBER, Words

_LOGGER = logging.getLogger(__name__)

MAX_STATES = 300_000  # about 30 MB at most; English with 200 names needs about a tenth
_MAX_PERMUTED = 4  # a permutation of more items is left out (none in the templates today)
_MAX_REMEMBERED = 20_000
_NO_RETURN = -1

type Config = tuple[int, int]  # (state, where a slot's piece returns to, or _NO_RETURN)
type Configs = frozenset[Config]


class TooBig(Exception):
    """The automaton reached its size limit."""


class Unusable(Exception):
    """A template names a slot this home cannot fill (free text, a list of another home)."""


@dataclass(frozen=True)
class Reading:
    """What a sequence of words is, for this home."""

    begins: bool  # the beginning of one of its commands (or a whole one)
    whole: bool  # a whole command
    goes_on: bool  # some command continues after these words
    inside_value: bool  # the last word may be inside a longer name or value ("the kitchen …")


class CommandAutomaton:
    """The home's commands in one language."""

    def __init__(
        self, templates: Templates, slot_values: dict[str, list[str]], words: Words
    ) -> None:
        self.words = words
        self._templates = templates
        self._slot_values = slot_values
        self._eps: list[list[int]] = []
        self._space: list[list[int]] = []
        self._letters: list[dict[str, list[int]]] = []
        self._calls: list[list[tuple[int, int]]] = []  # (piece start, return state)
        self._piece_end: set[int] = set()
        self._pieces: dict[str, tuple[int, int]] = {}
        self._final: int = -1
        self._remembered: dict[tuple[Configs, str], Configs] = {}
        self.usable: list[Template] = []
        self._start = self._new()
        self._final = self._new()
        self._build()
        self._initial = self._closure(((self._start, _NO_RETURN),), spaces=True)
        self._skip = sorted(
            (tuple(words.split(phrase)) for phrase in templates.skip_words), key=len, reverse=True
        )

    @property
    def size(self) -> int:
        return len(self._eps)

    def read(self, text: str) -> Reading:
        """What the text, as Whisper wrote it, is for this home."""
        return self.read_words(self._without_skip_words(self.words.split(text)))

    def read_words(self, words: list[str]) -> Reading:
        configs = self._initial
        for index, word in enumerate(words):
            if index:
                configs = self._step(configs, " ")
            for letter in word:
                configs = self._step(configs, letter)
                if not configs:
                    return Reading(False, False, False, False)
        whole = (self._final, _NO_RETURN) in self._closure(configs, spaces=True)
        after = self._step(configs, " ")
        goes_on = any(self._letters[s] or self._calls[s] for s, _ in after) or any(
            self._letters[s] for s, ret in configs if ret != _NO_RETURN
        )
        # Another word of the same name may follow ("kitchen" of "Kitchen Light"); a letter
        # ("light" of "light[s]") is no reason to wait.
        inside_value = any(ret != _NO_RETURN and self._space[s] for s, ret in configs)
        return Reading(
            begins=bool(configs), whole=whole, goes_on=goes_on, inside_value=inside_value
        )

    def _without_skip_words(self, words: list[str]) -> list[str]:
        """Home Assistant ignores "please", "can you" around a command."""
        changed = True
        while changed and words:
            changed = False
            for phrase in self._skip:
                if phrase and tuple(words[: len(phrase)]) == phrase:
                    words, changed = words[len(phrase) :], True
                elif phrase and len(words) > len(phrase) and tuple(words[-len(phrase) :]) == phrase:
                    words, changed = words[: -len(phrase)], True
        return words

    # Walking

    def _step(self, configs: Configs, letter: str) -> Configs:
        key = (configs, letter)
        if (known := self._remembered.get(key)) is not None:
            return known
        moved: list[Config] = []
        for state, ret in configs:
            targets = self._space[state] if letter == " " else self._letters[state].get(letter, ())
            moved.extend((target, ret) for target in targets)
        result = self._closure(moved, spaces=letter == " ")
        if len(self._remembered) >= _MAX_REMEMBERED:
            self._remembered.clear()
        self._remembered[key] = result
        return result

    def _closure(self, configs: Iterable[Config], *, spaces: bool) -> Configs:
        """Where the automaton may be without reading a letter; after a space (or at the
        start) further spaces of the template are free."""
        seen: set[Config] = set()
        todo = list(configs)
        while todo:
            config = todo.pop()
            if config in seen:
                continue
            seen.add(config)
            state, ret = config
            todo.extend((target, ret) for target in self._eps[state])
            if spaces:
                todo.extend((target, ret) for target in self._space[state])
            if ret == _NO_RETURN:
                todo.extend((start, back) for start, back in self._calls[state])
            elif state in self._piece_end:
                todo.append((ret, _NO_RETURN))
        return frozenset(seen)

    # Building

    def _new(self) -> int:
        if len(self._eps) >= MAX_STATES:
            raise TooBig
        self._eps.append([])
        self._space.append([])
        self._letters.append({})
        self._calls.append([])
        return len(self._eps) - 1

    def _build(self) -> None:
        for template in self._templates.sentences:
            if not fillable(
                template.sentence, self._templates, self._slot_values, template.domains
            ):
                continue
            mark = len(self._eps)
            try:
                end = self._compile(template.sentence, self._start, template.domains, 0)
            except Unusable:  # a slot with no values here
                self._forget_after(mark)
                continue
            except TooBig:
                self._forget_after(mark)
                _LOGGER.debug(
                    "Command automaton full: %d templates of %d",
                    len(self.usable),
                    len(self._templates.sentences),
                )
                break
            self._eps[end].append(self._final)
            self.usable.append(template)

    def _forget_after(self, mark: int) -> None:
        """Drop the states of a template that could not be compiled (and any edge to them)."""
        del self._eps[mark:], self._space[mark:], self._letters[mark:], self._calls[mark:]
        for state in range(mark):
            for edges in (self._eps[state], self._space[state]):
                edges[:] = [t for t in edges if t < mark]
            self._calls[state] = [(s, r) for s, r in self._calls[state] if s < mark and r < mark]
            for targets in self._letters[state].values():
                targets[:] = [t for t in targets if t < mark]
        self._pieces = {k: v for k, v in self._pieces.items() if v[1] < mark}
        self._piece_end = {s for s in self._piece_end if s < mark}

    def _compile(self, node: Node, start: int, domains: frozenset[str], depth: int) -> int:
        """States for `node` from `start`; returns where it ends."""
        if depth > MAX_DEPTH:
            raise Unusable
        if isinstance(node, Text):
            return self._spell(self.words.chunk(node.text), start)
        if isinstance(node, Seq):
            for item in node.items:
                start = self._compile(item, start, domains, depth + 1)
            return start
        if isinstance(node, Alt):
            end = self._new()
            if node.optional:
                self._eps[start].append(end)
            for item in node.items:
                if fillable(item, self._templates, self._slot_values, domains):
                    self._eps[self._compile(item, start, domains, depth + 1)].append(end)
            return end
        if isinstance(node, Perm):
            if len(node.items) > _MAX_PERMUTED:
                raise Unusable
            orders = [Seq(order) for order in permutations(node.items)]
            return self._compile(Alt(tuple(orders)), start, domains, depth + 1)
        if isinstance(node, Rule):
            rule = self._templates.rules.get(node.name)
            if rule is None:
                raise Unusable
            return self._compile(rule, start, domains, depth + 1)
        return self._slot(node, start, domains)

    def _spell(self, text: str, start: int) -> int:
        for letter in text:
            target = self._new()
            if letter == " ":
                self._space[start].append(target)
            else:
                self._letters[start].setdefault(letter, []).append(target)
            start = target
        return start

    def _slot(self, slot: Slot, start: int, domains: frozenset[str]) -> int:
        key = self._key(slot.name, domains)
        if key not in self._pieces:
            self._pieces[key] = self._piece(slot.name, domains)
        piece_start, _piece_end = self._pieces[key]
        end = self._new()
        self._calls[start].append((piece_start, end))
        return end

    @staticmethod
    def _key(name: str, domains: frozenset[str]) -> str:
        """Which piece a slot jumps to: the names of a template's domains have their own."""
        return f"name|{','.join(sorted(domains))}" if name == "name" and domains else name

    def _piece(self, name: str, domains: frozenset[str]) -> tuple[int, int]:
        """A shared piece that spells one of the slot's values, then returns."""
        if name in self._slot_values:
            values: list[Node] = [Text(v) for v in values_for(self._slot_values, name, domains)]
        elif isinstance(found := self._templates.lists.get(name), Values):
            values = list(found.values)
        elif isinstance(found, NumberRange):
            values = [Text(NUMBER)]
        else:
            raise Unusable
        if not values:
            raise Unusable
        start, end = self._new(), self._new()
        for value in values:
            self._eps[self._compile(value, start, frozenset(), 0)].append(end)
        self._piece_end.add(end)
        return start, end
