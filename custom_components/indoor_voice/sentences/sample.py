"""A sample of the home's commands in the words Home Assistant's templates use, for the
engine to weigh against what Whisper heard ("Going off in the Hallway Light" → "Turn off
the Hallway Light")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice, product

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
from .wordings import WORDED_INTENTS, wordings
from .words import Words

MAX_COMMANDS = 1000  # the engine's limit
MAX_CHARACTERS = 100_000  # of all commands together: the engine takes 256 kB of data
# What a household says most, in Home Assistant's intent names (the same in every language):
# a name on its own ("{name}", a state question) is no candidate, since a candidate much
# shorter than what was said can outweigh it.
CANDIDATE_INTENTS = (
    "HassTurnOn",
    "HassTurnOff",
    "HassLightSet",
    "HassSetPosition",
    "HassGetCurrentTime",
    "HassGetCurrentDate",
    "HassStartTimer",
    "HassTimerStatus",
    "HassCancelTimer",
)
_PERCENTS = tuple(f"{p}%" for p in range(10, 101, 10))


@dataclass(frozen=True)
class Candidate:
    """A command of the home, and which of the others do the same."""

    text: str
    meaning: int  # commands of one meaning have the same intent, names and numbers


def sample_commands(
    templates: Templates,
    usable: list[Template],
    slot_values: dict[str, list[str]],
    whole: Callable[[str], bool] | None = None,
) -> list[str]:
    """The texts of `sample_candidates`."""
    return [c.text for c in sample_candidates(templates, usable, slot_values, whole)]


def sample_candidates(
    templates: Templates,
    usable: list[Template],
    slot_values: dict[str, list[str]],
    whole: Callable[[str], bool] | None = None,
) -> list[Candidate]:
    """Commands of this home, each of `CANDIDATE_INTENTS` in turn: in the plainest wording of
    its templates (optional words left out, the first of each choice: what Home Assistant
    surely understands) with the home's names one by one, and for the commands said most
    also in other wordings of the templates, as people say them (wordings.py), each of
    those only if `whole` finds it a whole command (a random wording may join words as no
    template does)."""
    by_intent: dict[str, list[Template]] = {intent: [] for intent in CANDIDATE_INTENTS}
    for template in usable:
        if template.intent in by_intent:
            by_intent[template.intent].append(template)
    sampler = _Sampler(templates, slot_values)
    number = {id(template): index for index, template in enumerate(usable)}
    per_intent: list[Iterator[tuple[int, str]]] = []
    for intent, intent_templates in by_intent.items():
        plain = chain.from_iterable(
            _round_robin(_of(number[id(t)], sampler.expand(t)) for t in group)
            for group in _plainest_first(sampler, intent_templates)
        )
        streams: list[Iterable[tuple[int, str]]] = [plain]
        if intent in WORDED_INTENTS:
            worded = _round_robin(
                _of(number[id(t)], wordings(templates, t, slot_values, seed=index))
                for index, t in enumerate(intent_templates)
            )
            streams.append(w for w in worded if whole is None or whole(w[1]))
        per_intent.append(_round_robin(streams))
    words = Words(templates.language)
    own = [_own_words(templates, t.sentence, words, 0) for t in usable]
    meanings: dict[tuple[str, ...], int] = {}
    commands: dict[str, Candidate] = {}
    characters = 0
    for said_by, text in _round_robin(per_intent):
        if text.casefold() in commands:
            continue
        meaning = meanings.setdefault(_meaning(said_by, text, words, own), len(meanings))
        commands[text.casefold()] = Candidate(text, meaning)
        characters += len(text)
        if len(commands) >= MAX_COMMANDS or characters >= MAX_CHARACTERS:
            break
    return list(commands.values())


def _of(template: int, texts: Iterable[str]) -> Iterator[tuple[int, str]]:
    for text in texts:
        yield template, text


def _own_words(templates: Templates, node: Node, words: Words, depth: int) -> frozenset[str]:
    """The words a template says itself (its rules' too), not those of its slots."""
    if depth > MAX_DEPTH:
        return frozenset()
    if isinstance(node, Text):
        return frozenset(words.split(node.text))
    if isinstance(node, Rule):
        rule = templates.rules.get(node.name)
        return _own_words(templates, rule, words, depth + 1) if rule is not None else frozenset()
    if isinstance(node, Seq | Alt | Perm):
        return frozenset().union(*(_own_words(templates, i, words, depth + 1) for i in node.items))
    return frozenset()


def _meaning(template: int, text: str, words: Words, own: list[frozenset[str]]) -> tuple[str, ...]:
    """What the command does: the template it says (one intent, one kind of device) and
    every word it says that the template does not say itself (names, list values such as
    colours, numbers). Two wordings of one template then differ only in the template's own
    words ("schalte"/"schalt", "an"/"ein", an article); a word a template spells in pieces
    ("schalt[e]") counts as the command's own, which only keeps wordings apart."""
    said = [word for word in words.split_numbers(text) if word not in own[template]]
    return (str(template), *said)


def _plainest_first(sampler: _Sampler, group: list[Template]) -> list[list[Template]]:
    """Templates with one name or area of the home first, the fewest words first: "turn on
    {name}" before "turn on {name} light" and "turn on {name} in {area}"."""
    one = sorted(
        (t for t in group if sampler.home_slots(t.sentence) == 1), key=sampler.plain_length
    )
    return [one, [t for t in group if t not in one]]


def _round_robin[T](iterables: Iterable[Iterable[T]]) -> Iterator[T]:
    iterators = [iter(i) for i in iterables]
    while iterators:
        alive = []
        for iterator in iterators:
            for item in islice(iterator, 1):
                yield item
                alive.append(iterator)
        iterators = alive


class _Sampler:
    def __init__(self, templates: Templates, slot_values: dict[str, list[str]]) -> None:
        self._templates = templates
        self._values = slot_values

    def home_slots(self, node: Node, depth: int = 0) -> int:
        if depth > MAX_DEPTH:
            return 0
        if isinstance(node, Slot):
            return int(node.name in self._values)
        if isinstance(node, Rule):
            rule = self._templates.rules.get(node.name)
            return self.home_slots(rule, depth + 1) if rule is not None else 0
        if isinstance(node, Alt):
            if node.optional or not node.items:
                return 0
            return min(self.home_slots(item, depth + 1) for item in node.items)
        if isinstance(node, Seq | Perm):
            return sum(self.home_slots(item, depth + 1) for item in node.items)
        return 0

    def plain_length(self, template: Template) -> int:
        """How many words the template says around its slots."""
        parts = self._parts(template.sentence, template.domains, 0)
        return len("".join(p[0] for p in parts if len(p) == 1).split())

    def expand(self, template: Template) -> Iterator[str]:
        """The template with each value of its first varying slot, the plainest words else."""
        parts = self._parts(template.sentence, template.domains, 0)
        for words in product(*parts):
            # A percentage's own "%" and the template's: "{brightness}%" says it once.
            text = re.sub(r"%\s*%", "%", " ".join("".join(words).split()))
            if text:
                yield text[0].upper() + text[1:] + "."

    def _before_a_name(self, rest: tuple[Node, ...], depth: int) -> bool:
        """Whether the next thing said (spaces aside) is a name of the home."""
        for item in rest:
            if isinstance(item, Text) and not item.text.strip():
                continue
            node = item
            while isinstance(node, Rule) and depth < MAX_DEPTH:
                rule = self._templates.rules.get(node.name)
                if rule is None:
                    return False
                node, depth = rule, depth + 1
            if isinstance(node, Seq) and node.items:
                return self._before_a_name(node.items, depth + 1)
            return isinstance(node, Slot) and node.name in self._values
        return False

    def _parts(
        self, node: Node, domains: frozenset[str], depth: int, *, say_optional: bool = False
    ) -> list[list[str]]:
        """The node as pieces, each piece a list of ways to say it (one unless it is a slot)."""
        if depth > MAX_DEPTH:
            return [[""]]
        if isinstance(node, Text):
            return [[node.text]]
        if isinstance(node, Seq | Perm):
            parts = []
            for index, item in enumerate(node.items):
                # The optional word right before a name is its article: "[the] {name}".
                said = self._before_a_name(node.items[index + 1 :], depth)
                parts.extend(self._parts(item, domains, depth + 1, say_optional=said))
            return parts
        if isinstance(node, Alt):
            sayable = [i for i in node.items if fillable(i, self._templates, self._values, domains)]
            if (node.optional and not say_optional) or not sayable:
                return [[""]]
            # The choice with the fewest names: "(<area> <name>|<name> [in <area>])" → <name>
            plainest = min(sayable, key=lambda item: self.home_slots(item, depth + 1))
            return self._parts(plainest, domains, depth + 1)
        if isinstance(node, Rule):
            rule = self._templates.rules.get(node.name)
            return self._parts(rule, domains, depth + 1) if rule is not None else [[""]]
        if node.name in self._values:
            return [values_for(self._values, node.name, domains) or [""]]
        found = self._templates.lists.get(node.name)
        if isinstance(found, NumberRange):
            return [list(_PERCENTS) if found.percentage else [str(found.start)]]
        if isinstance(found, Values) and found.values:
            first = self._parts(found.values[0], domains, depth + 1)
            return [["".join(words) for words in product(*first)]]
        return [[""]]
