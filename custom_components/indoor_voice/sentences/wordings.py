"""The home's most common commands in many of the wordings Home Assistant's templates allow,
with what each one does.

The plainest wording of a template (sample.py) leaves out every optional word and takes
the first of each choice: "Allume le Cuisine." for "allume la lumière de la cuisine",
"Küchenlampe 10%." for "dimme die Küchenlampe auf zehn Prozent". A person says the articles
and the little words, and a number in the language's words; Whisper, given such a command
as a candidate, finds it as likely as what it heard only when the candidate says the same
words. So each template is also said several ways, chosen at random (with a seed: the same
home gets the same commands): each optional part said or not, each choice taken, numbers in
digits or in the language's words (unicode-rbnf, as hassil reads them).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache

from unicode_rbnf import RbnfEngine

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

# The commands a household says most, worded many ways.
WORDED_INTENTS = ("HassTurnOn", "HassTurnOff", "HassLightSet")
WORDINGS_PER_TEMPLATE = 6  # random wordings of each template, each with its own values
_PERCENTS = tuple(range(10, 101, 10))
_SAID_OPTIONAL = 0.5  # chance that an optional part is said


def wordings(
    templates: Templates, template: Template, slot_values: dict[str, list[str]], seed: int
) -> Iterator[str]:
    """Up to `WORDINGS_PER_TEMPLATE` wordings of the template, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - no secret: the same home, the same wordings
    speller = _speller(templates.language)
    for _ in range(WORDINGS_PER_TEMPLATE):
        said = _Saying(templates, slot_values, template.domains, rng, speller)
        pieces = said.say(template.sentence, 0)
        if pieces is None:
            continue
        text = " ".join("".join(pieces).split())
        if not text:
            continue
        # "50 %" and "50%" are one word for Home Assistant; "% %" said twice is once.
        text = text.replace(" %", "%").replace("%%", "%")
        yield text[0].upper() + text[1:] + "."


class _Saying:
    """One random walk through a template."""

    def __init__(
        self,
        templates: Templates,
        slot_values: dict[str, list[str]],
        domains: frozenset[str],
        rng: random.Random,
        speller: RbnfEngine | None,
    ) -> None:
        self._templates = templates
        self._values = slot_values
        self._domains = domains
        self._rng = rng
        self._speller = speller

    def say(self, node: Node, depth: int) -> list[str] | None:
        """The node's words, or None when it cannot be said in this home."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, Text):
            return [node.text]
        if isinstance(node, Seq | Perm):
            pieces: list[str] = []
            for item in node.items:
                said = self.say(item, depth + 1)
                if said is None:
                    return None
                pieces.extend(said)
            return pieces
        if isinstance(node, Alt):
            sayable = [
                item
                for item in node.items
                if fillable(item, self._templates, self._values, self._domains)
            ]
            if not sayable or (node.optional and self._rng.random() >= _SAID_OPTIONAL):
                return [] if node.optional else None
            return self.say(self._rng.choice(sayable), depth + 1)
        if isinstance(node, Rule):
            rule = self._templates.rules.get(node.name)
            return None if rule is None else self.say(rule, depth + 1)
        return self._slot(node, depth)

    def _slot(self, slot: Slot, depth: int) -> list[str] | None:
        if slot.name in self._values:
            values = values_for(self._values, slot.name, self._domains)
            if not values:
                return None
            return [self._rng.choice(values)]
        found = self._templates.lists.get(slot.name)
        if isinstance(found, NumberRange):
            number = self._rng.choice(_PERCENTS) if found.percentage else found.start
            return [self._number(number)]
        if isinstance(found, Values) and found.values:
            return self.say(self._rng.choice(found.values), depth + 1)
        return None

    def _number(self, number: int) -> str:
        """The number in digits or, half the time, in the language's words."""
        if self._speller is None or self._rng.random() < 0.5:
            return str(number)
        try:
            return str(self._speller.format_number(number).text)
        except (ValueError, KeyError):
            return str(number)


@lru_cache(maxsize=8)
def _speller(language: str) -> RbnfEngine | None:
    try:
        return RbnfEngine.for_language(language.split("-")[0])
    except (ValueError, KeyError, OSError):
        return None
