"""Home Assistant's own sentence templates for a language, in a shape of our own.

The templates are the `home-assistant-intents` data that Home Assistant's default
conversation agent matches, parsed by `hassil`. Home Assistant 2025.4 ships hassil 2 and
2026.x ships hassil 3, whose expression trees differ (one `Sequence` with a type in 2, one
class per kind in 3): this module alone knows both and hands the rest of the room plain
nodes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import hassil.expression as hx
from hassil import Intents
from hassil.intents import RangeSlotList, TextSlotList, WildcardSlotList
from home_assistant_intents import get_intents, get_languages

_LOGGER = logging.getLogger(__name__)

MAX_DEPTH = 40  # of rules within rules: the templates nest a few levels


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    items: tuple[Node, ...]
    optional: bool = False


@dataclass(frozen=True)
class Perm:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Slot:
    name: str


@dataclass(frozen=True)
class Rule:
    name: str


type Node = Text | Seq | Alt | Perm | Slot | Rule


@dataclass(frozen=True)
class NumberRange:
    """A slot filled with a number ("{brightness}"); percentages are suggested 10 by 10."""

    start: int
    stop: int
    percentage: bool


@dataclass(frozen=True)
class Values:
    """A slot filled with one of the language's own values ("{color}")."""

    values: tuple[Node, ...]


@dataclass(frozen=True)
class Template:
    intent: str
    sentence: Node
    domains: frozenset[str]  # the entity domains its {name} may be; empty: any


@dataclass
class Templates:
    language: str
    sentences: list[Template] = field(default_factory=list)
    rules: dict[str, Node] = field(default_factory=dict)
    lists: dict[str, NumberRange | Values] = field(default_factory=dict)
    skip_words: list[str] = field(default_factory=list)


def values_for(slot_values: dict[str, list[str]], name: str, domains: frozenset[str]) -> list[str]:
    """A home slot's values; "{name}" in a template for lights only takes the lights' names
    (`slot_values` holds them under "name|light")."""
    if name != "name" or not domains:
        return slot_values.get(name, [])
    return [value for domain in sorted(domains) for value in slot_values.get(f"name|{domain}", [])]


def fillable(
    node: Node,
    templates: Templates,
    slot_values: dict[str, list[str]],
    domains: frozenset[str],
    depth: int = 0,
) -> bool:
    """Whether the node can be said in this home: its slots have values (an optional part
    or another choice may do without), its rules are known."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(node, Text):
        return True
    if isinstance(node, Slot):
        if node.name in slot_values:
            return bool(values_for(slot_values, node.name, domains))
        return node.name in templates.lists
    if isinstance(node, Rule):
        rule = templates.rules.get(node.name)
        return rule is not None and fillable(rule, templates, slot_values, domains, depth + 1)
    if isinstance(node, Alt):
        return node.optional or any(
            fillable(item, templates, slot_values, domains, depth + 1) for item in node.items
        )
    return all(fillable(item, templates, slot_values, domains, depth + 1) for item in node.items)


def intents_language(language: str) -> str | None:
    """The intents' language for a pipeline language: "en-US" → "en", "pt-BR" as it is."""
    known = set(get_languages())
    wanted = language.replace("_", "-")
    for candidate in (wanted, wanted.split("-")[0]):
        for known_language in known:
            if known_language.lower() == candidate.lower():
                return known_language
    return None


def load(language: str) -> Templates | None:
    """The language's templates, or None when Home Assistant has none (blocking: reads files)."""
    found = intents_language(language)
    if found is None:
        return None
    data: dict[str, Any] | None = get_intents(found)
    if not data:
        return None
    intents = Intents.from_dict(data)
    templates = Templates(language=found, skip_words=list(intents.skip_words))
    templates.rules = {name: _node(_body(rule)) for name, rule in intents.expansion_rules.items()}
    templates.lists = _lists(intents.slot_lists)
    for intent in intents.intents.values():
        for block in intent.data:
            if block.slot_lists:
                continue  # block-local lists are rare: not worth a second namespace
            domains = _domains(block.requires_context)
            # Block-local rules ("<name_type>" of Dutch's on and off for lights) are put in
            # place: they say the block's commands with the home's names.
            local = {name: _node(_body(rule)) for name, rule in block.expansion_rules.items()}
            for sentence in block.sentences:
                node = _with_rules(_node(_body(sentence)), local, 0)
                templates.sentences.append(Template(intent.name, node, domains))
    return templates


def _with_rules(node: Node, local: dict[str, Node], depth: int) -> Node:
    """The node with the references to `local` rules replaced by the rules themselves."""
    if not local or depth > MAX_DEPTH:
        return node
    if isinstance(node, Rule) and node.name in local:
        return _with_rules(local[node.name], local, depth + 1)
    if isinstance(node, Alt):
        items = tuple(_with_rules(item, local, depth + 1) for item in node.items)
        return Alt(items, optional=node.optional)
    if isinstance(node, Seq | Perm):
        return type(node)(tuple(_with_rules(item, local, depth + 1) for item in node.items))
    return node


def _domains(context: dict[str, Any]) -> frozenset[str]:
    domain = context.get("domain") if context else None
    if isinstance(domain, str):
        return frozenset([domain])
    if isinstance(domain, list):
        return frozenset(str(d) for d in domain)
    return frozenset()


def _lists(slot_lists: dict[str, Any]) -> dict[str, NumberRange | Values]:
    lists: dict[str, NumberRange | Values] = {}
    for name, slot_list in slot_lists.items():
        if isinstance(slot_list, RangeSlotList):
            percentage = getattr(slot_list.type, "value", slot_list.type) == "percentage"
            lists[name] = NumberRange(slot_list.start, slot_list.stop, percentage)
        elif isinstance(slot_list, TextSlotList):
            lists[name] = Values(tuple(_node(value.text_in) for value in slot_list.values))
        elif not isinstance(slot_list, WildcardSlotList):
            _LOGGER.debug("Slot list %s of an unknown kind is left out", name)
    return lists


def _body(sentence: Any) -> Any:
    """hassil 3's Sentence holds its expression; hassil 2's is the expression."""
    return getattr(sentence, "expression", sentence)


def _node(expression: Any) -> Node:
    if isinstance(expression, hx.TextChunk):
        return Text(expression.text)
    if isinstance(expression, hx.ListReference):
        return Slot(expression.list_name)
    if isinstance(expression, hx.RuleReference):
        return Rule(expression.rule_name)
    items = tuple(_node(item) for item in getattr(expression, "items", ()))
    kind = _kind(expression)
    if kind == "alternative":
        return Alt(items, optional=bool(getattr(expression, "is_optional", False)))
    if kind == "permutation":
        return Perm(items)
    return Seq(items)


def _kind(expression: Any) -> str:
    if (sequence_type := getattr(expression, "type", None)) is not None:  # hassil 2
        return str(getattr(sequence_type, "value", sequence_type))
    name = type(expression).__name__  # hassil 3: Alternative, Permutation, Sequence, Group
    return name.lower()
