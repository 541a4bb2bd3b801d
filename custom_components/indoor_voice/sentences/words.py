"""Words as both a transcript and a template say them.

Whisper writes "50%", "fifty percent" or "Fifty percent." for the same words; a template
writes "{brightness}[%| percent]". Both sides are normalised alike: case folded, punctuation
dropped, "%" a word of its own, and every number, in digits or in the language's own words
(spelled out by unicode-rbnf from CLDR's rules, as hassil does), the one word "#".
"""

from __future__ import annotations

import re
from functools import lru_cache

from unicode_rbnf import RbnfEngine

NUMBER = "#"
_MAX_SPELLED = 100  # percentages, minutes, degrees: what a spoken command holds
# A word may hold apostrophes ("what's", "aujourd'hui"); "d'1" is "d'" and a number.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|%|#|[^\W_]+(?:'[^\W\d_]+)*")


class Words:
    """The normaliser of one language."""

    def __init__(self, language: str) -> None:
        self._spelled = _spelled_numbers(language)
        self._longest = max((len(words) for words in self._spelled), default=0)

    @property
    def number_words(self) -> tuple[str, ...]:
        """The numbers the language says in one word ("zehn", "cincuenta")."""
        return tuple(words[0] for words in self._spelled if len(words) == 1)

    def split(self, text: str) -> list[str]:
        """The words of a text, numbers as `NUMBER`."""
        return [word for word, _number, _written in self._split(text)]

    def split_numbers(self, text: str) -> list[str]:
        """The words of a text, numbers as their digits ("zehn" → "10")."""
        return [number or word for word, number, _written in self._split(text)]

    def split_written(self, text: str) -> list[str]:
        """The words of `split`, each as the text writes it ("Zehn", "Küchenlampe")."""
        return [written for _word, _number, written in self._split(text)]

    def _split(self, text: str) -> list[tuple[str, str | None, str]]:
        """(word, the number's digits or None, as written) for each word of the text."""
        # Whisper may write the typographic apostrophe, templates write the plain one.
        written = _TOKEN.findall(text.replace("\u2019", "'"))
        tokens = [token.casefold() for token in written]
        words: list[tuple[str, str | None, str]] = []
        i = 0
        while i < len(tokens):
            if tokens[i][0].isdigit():
                words.append((NUMBER, tokens[i].replace(",", "."), written[i]))
                i += 1
                continue
            for length in range(min(self._longest, len(tokens) - i), 0, -1):
                if (number := self._spelled.get(tuple(tokens[i : i + length]))) is not None:
                    words.append((NUMBER, str(number), " ".join(written[i : i + length])))
                    i += length
                    break
            else:
                words.append((tokens[i], None, written[i]))
                i += 1
        return words

    def chunk(self, text: str) -> str:
        """A piece of a template, which may end inside a word ("light" of "light[s]"): its
        words joined by single spaces, with a space kept where it began or ended with one."""
        body = " ".join(self.split(text))
        if not body:
            return " " if text.strip() != text or (text and not text.strip()) else ""
        head = " " if text[:1].isspace() or body.startswith("%") else ""
        tail = " " if text[-1:].isspace() or text.endswith("'") else ""  # "d'{number}"
        return head + body + tail


@lru_cache(maxsize=8)
def _spelled_numbers(language: str) -> dict[tuple[str, ...], int]:
    """0 to 100 in the language's words, every form CLDR knows ("vingt-et-un", "une")."""
    try:
        engine = RbnfEngine.for_language(language.split("-")[0])
    except (ValueError, KeyError, OSError):
        return {}
    spelled: dict[tuple[str, ...], int] = {}
    for number in range(_MAX_SPELLED + 1):
        try:
            result = engine.format_number(number)
        except (ValueError, KeyError):
            continue
        texts = getattr(result, "text_by_ruleset", None) or {"": getattr(result, "text", "")}
        for text in texts.values():
            words = tuple(_TOKEN.findall(str(text).casefold()))
            if words and not words[0][0].isdigit():
                spelled.setdefault(words, number)
    return spelled
