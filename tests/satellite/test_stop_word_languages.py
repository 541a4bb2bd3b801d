"""The satellite's stop word in the languages of Europe's households: "Stop" (German
"Stopp"), which French, Spanish, Dutch and Italian speakers say too, is heard in espeak-ng's
voices of each language; the languages' own words for it are not (the satellite says which
words it knows instead: test_mute_and_state.py). Each word is said on its own, with a second
of the quiet room's hiss either side, fed in the 80 ms pieces the satellite reads."""

from __future__ import annotations

import numpy as np
import pytest

from indoor_voice_satellite.stop_word import StopWord
from testbed.speech import espeak, silence

CHUNK_BYTES = 2560
VOICES = ("", "+f3", "+m3")  # espeak-ng's default voice of the language, a woman's, a man's


def _heard(word: str, language: str, variant: str) -> bool:
    noise = np.random.default_rng(1)
    said = silence(1.0) + espeak(word, voice=language + variant) + silence(1.0)
    speech = np.frombuffer(said, dtype=np.int16).astype(np.float64)
    hiss = noise.standard_normal(speech.size) * 32768 * 10 ** (-65 / 20)  # -65 dBFS
    pcm = np.clip(speech + hiss, -32768, 32767).astype(np.int16).tobytes()
    detector = StopWord()
    return any(
        detector.feed(pcm[start : start + CHUNK_BYTES]) for start in range(0, len(pcm), CHUNK_BYTES)
    )


@pytest.mark.parametrize(
    ("language", "word"),
    [
        ("de", "Stopp"),
        ("de", "Stop"),
        ("fr", "Stop"),
        ("es", "Stop"),
        ("nl", "Stop"),
        ("it", "Stop"),
    ],
)
def test_stop_is_heard_in_each_language(language: str, word: str) -> None:
    heard = [_heard(word, language, v) for v in VOICES]
    assert sum(heard) >= 2, heard


@pytest.mark.parametrize(
    ("language", "word"),
    [("de", "Halt"), ("fr", "Arrête"), ("es", "Para"), ("es", "Basta"), ("it", "Basta")],
)
def test_the_languages_own_words_are_not_taken_for_it(language: str, word: str) -> None:
    """Not heard: the satellite cannot promise them, so it names "Stop" instead."""
    assert not any(_heard(word, language, v) for v in VOICES)
