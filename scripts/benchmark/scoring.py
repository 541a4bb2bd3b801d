"""Word error rate with a forgiving normalization, and percentiles."""

from __future__ import annotations

import re

import numpy as np

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_CONTRACTIONS = {
    "what's": "what is",
    "it's": "it is",
    "that's": "that is",
    "i'm": "i am",
    "isn't": "is not",
    "don't": "do not",
    "o'clock": "oclock",
}
_SYMBOLS = {"%": " percent ", "°": " degrees ", "&": " and ", "+": " plus "}


def number_words(n: int) -> str:
    """English words for 0 ≤ n < 1000 (digits left as they are beyond)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    return str(n)


def normalize(text: str) -> list[str]:
    """Lowercase words without punctuation; digits, %, ° and contractions spelled out."""
    text = text.lower().replace("\u2019", "'")
    for symbol, spoken in _SYMBOLS.items():
        text = text.replace(symbol, spoken)
    text = re.sub(r"\d+", lambda m: f" {number_words(int(m.group()))} ", text)
    words = []
    for word in re.sub(r"[^a-z' ]+", " ", text).split():
        words.extend(_CONTRACTIONS.get(word, word.strip("'")).split())
    return words


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    """Levenshtein distance between word sequences."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def word_error_rate(pairs: list[tuple[str, str]]) -> float:
    """Corpus WER over (reference, hypothesis) pairs: total edits / total reference words."""
    edits = words = 0
    for reference, hypothesis in pairs:
        ref = normalize(reference)
        edits += edit_distance(ref, normalize(hypothesis))
        words += len(ref)
    return edits / words if words else 0.0


def whole(parts: tuple[str, ...], transcript: str) -> bool:
    """The transcript holds the end of what was said: at least half the words of its last
    part (after the last pause), so a sentence cut at a pause is not whole."""
    heard = set(normalize(transcript))
    last = normalize(parts[-1])
    return bool(last) and sum(word in heard for word in last) * 2 >= len(last)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")
