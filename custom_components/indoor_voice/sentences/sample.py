"""A sample of the home's commands in the words Home Assistant's templates use, for the
engine to weigh against what Whisper heard ("Going off in the Hallway Light" → "Turn off
the Hallway Light")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
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

MAX_COMMANDS = 400  # the engine's limit
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


def sample_commands(
    templates: Templates, usable: list[Template], slot_values: dict[str, list[str]]
) -> list[str]:
    """Commands of this home, each of `CANDIDATE_INTENTS` in turn, in the plainest wording of its
    templates (optional words left out, the first of each choice: what Home Assistant
    surely understands) and the home's names one by one."""
    by_intent: dict[str, list[Template]] = {intent: [] for intent in CANDIDATE_INTENTS}
    for template in usable:
        if template.intent in by_intent:
            by_intent[template.intent].append(template)
    sampler = _Sampler(templates, slot_values)
    per_intent = [
        chain.from_iterable(
            _round_robin(sampler.expand(t) for t in group)
            for group in _plainest_first(sampler, intent_templates)
        )
        for intent_templates in by_intent.values()
    ]
    commands: dict[str, str] = {}
    for text in _round_robin(per_intent):
        commands.setdefault(text.casefold(), text)
        if len(commands) >= MAX_COMMANDS:
            break
    return list(commands.values())


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
