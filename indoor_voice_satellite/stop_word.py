"""The stop word, on the device: "stop" said on its own ends a ringing timer or a reply.

openWakeWord publishes no "stop" model (its packages carry hey_jarvis, alexa, hey_mycroft,
hey_rhasspy, okay_nabu), so this is a small keyword step of its own, with no model at all.
It listens only while the satellite rings or speaks, and accepts a short word said on its own
that has the shape of "stop": a hiss first (/s/: most energy above 3 kHz), then a voiced
vowel, the whole word between 0.25 and 0.85 s, with a pause before and after it. "Stop" inside
other speech ("don't stop the music") is one long stretch of speech and never matches. Its
false triggers are measured in scripts/bench. The microphone must not hear the satellite's
own speaker loudly (echo cancellation in the microphone command, as on any voice device).

In other languages it hears the same word: German "Stopp" and the "Stop" that French,
Spanish, Dutch and Italian speakers say too (espeak-ng's voices of those languages, measured
in README). It does not hear the languages' own words for it (Halt, arrête, para, basta,
ferma: no hiss before a /t/), and it takes some other short words that start like it for it
(Stuhl, Stein, stoel, sport, stai). The satellite tells Home Assistant which words it knows
(`WORDS`), so that a household is shown what to say.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WORDS = ("Stop", "Stopp")
"""The words it hears, whatever the household's language (one sound: "stop")."""

RATE = 16_000
FRAME = 160  # 10 ms
_HIGH_HZ = 3_000
_FLOOR_DBFS = -60.0  # quieter than this is never speech
_ABOVE_NOISE_DB = 12.0
_MIN_WORD, _MAX_WORD = 25, 85  # frames: 0.25 to 0.85 s
_MAX_GAP = 12  # frames of quiet inside a word (the closures of /t/ and /p/)
_PAUSE = 30  # frames of quiet before and after the word
_ONSET = 6  # frames at the start of the word that must hiss
_MIN_VOICED = 8  # frames of vowel after the hiss
_VOWEL_START = 3  # voiced frames in a row: the vowel has begun
_CLOSURE_BY = 20  # frames: the /t/ closure comes this early
_CLOSURE_DB = 12.0  # and is this much quieter than the hiss before it


@dataclass
class _Frame:
    speech: bool
    hiss: bool
    db: float = -96.0


class StopWord:
    """Fed microphone audio (16 kHz, 16-bit mono); says when "stop" was just heard."""

    def __init__(self) -> None:
        self._noise_db = _FLOOR_DBFS  # the room's level, kept across resets
        self._pending: np.ndarray
        self._word: list[_Frame]
        self._quiet: int  # frames of quiet since the last speech
        self._quiet_before: int  # frames of quiet before the current word
        self.reset()

    def reset(self) -> None:
        """Forget what was heard (a new ringing or reply starts)."""
        self._pending = np.zeros(0, dtype=np.int16)
        self._word = []
        self._quiet = _PAUSE
        self._quiet_before = 0

    def feed(self, audio: bytes) -> bool:
        samples = np.concatenate((self._pending, np.frombuffer(audio, dtype=np.int16)))
        whole = len(samples) // FRAME * FRAME
        self._pending = samples[whole:]
        heard = False
        for frame in samples[:whole].reshape(-1, FRAME):
            heard = self._step(self._classify(frame)) or heard
        return heard

    def _classify(self, frame: np.ndarray) -> _Frame:
        x = frame.astype(np.float64) / 32768.0
        energy = float(np.mean(x * x))
        db = 10 * np.log10(energy + 1e-12)
        speech = db > max(_FLOOR_DBFS, self._noise_db + _ABOVE_NOISE_DB)
        if not speech:  # follow the room's noise, slowly
            self._noise_db = 0.95 * self._noise_db + 0.05 * max(db, -96.0)
        spectrum = np.abs(np.fft.rfft(x * np.hanning(FRAME))) ** 2
        high = float(spectrum[int(_HIGH_HZ * FRAME / RATE) :].sum())
        return _Frame(speech, speech and high > 0.5 * float(spectrum.sum()), db)

    def _step(self, frame: _Frame) -> bool:
        if frame.speech:
            if not self._word:
                self._quiet_before = self._quiet
            elif self._quiet:
                self._word.extend(_Frame(False, False) for _ in range(self._quiet))
            self._word.append(frame)
            self._quiet = 0
            if len(self._word) > _MAX_WORD:
                self._word = self._word[-_MAX_WORD:]
                self._quiet_before = 0  # part of longer speech
            return False
        self._quiet += 1
        if self._word and self._quiet > _MAX_GAP:
            if self._quiet < _PAUSE:
                return False  # wait: is the word followed by a pause?
            word, self._word = self._word, []
            return self._quiet_before >= _PAUSE and _is_stop(word)
        return False


def _is_stop(word: list[_Frame]) -> bool:
    """/s/ hisses, the /t/ closes (a valley in the level), a vowel, then no hiss to the end
    (unlike "so", "sure", "six", "start", "stuff", "spot")."""
    if not _MIN_WORD <= len(word) <= _MAX_WORD:
        return False
    if sum(f.hiss for f in word[:_ONSET]) < _ONSET - 1:
        return False
    if not _has_closure(word):
        return False
    voiced = [f.speech and not f.hiss for f in word]
    vowel = next((i for i in range(len(word)) if all(voiced[i : i + _VOWEL_START])), len(word))
    tail = word[vowel:]
    return not any(f.hiss for f in tail) and sum(f.speech for f in tail) >= _MIN_VOICED


def _has_closure(word: list[_Frame]) -> bool:
    """Early in the word, a frame well below the hiss before it and the vowel after it."""
    levels = [f.db for f in word]
    for i in range(2, min(_CLOSURE_BY, len(word) - 1)):
        before, after = max(levels[:i]), max(levels[i + 1 :])
        if levels[i] <= before - _CLOSURE_DB and levels[i] <= after - _CLOSURE_DB - 8:
            return True
    return False


class StopListener:
    """Hears the stop word while the satellite rings or speaks: afresh each time it starts to."""

    def __init__(self) -> None:
        self._word = StopWord()
        self._hearing = False

    def heard(self, audio: bytes, active: bool) -> bool:
        if not active:
            self._hearing = False
            return False
        if not self._hearing:
            self._word.reset()
            self._hearing = True
        return self._word.feed(audio)
