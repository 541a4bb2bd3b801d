"""A wake word's fingerprint, to tell one person heard by several satellites from several
people saying the wake word at the same moment.

The satellite sends, with its wake word, two rows of 64 whole numbers about the last 1.28 s of
its microphone (the audio openWakeWord judged), in 20 ms steps, and nothing else of the audio:
`levels`, the loudness in dBFS, and `pitch`, the voice's pitch in Hz (0 where no voice
sounds). One person's words reaching two rooms rise and fall together syllable by syllable and
keep their pitch, whatever the gain and the echo of each room; two people differ in timing
(no two keep the same syllables to 20 ms) or in pitch, usually both. Two hearings are one
utterance when their loudness shapes correlate and their pitches agree, at the same lag of up
to 160 ms (satellites fire on their own 80 ms steps). What this tells apart, measured: README,
"Three satellites at once". The satellite makes the fingerprint (`indoor_voice_satellite`,
with numpy); Home Assistant compares two, here, in pure Python.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

FRAME_SAMPLES = 320  # 20 ms at 16 kHz
FRAMES = 64  # 1.28 s
FLOOR_DB = -96  # the floor of 16-bit audio
MAX_PITCH_HZ = 400
MAX_LAG_FRAMES = 8  # 160 ms: two 80 ms wake steps
SAME_SHAPE = 0.88  # loudness correlation from which two hearings may be one utterance
SAME_PITCH = 0.2  # ... and the share of frames voiced in both whose pitch must agree
_PITCH_TOLERANCE = 0.1  # octaves (about 7 %): reverberation and noise blur a pitch this much
_QUIET_DB = 40  # frames this far under the loudest are room noise, alike in every room

_T = TypeVar("_T")  # the satellite runs on Python 3.11: no PEP 695 generics here


@dataclass(frozen=True)
class WakePrint:
    levels: tuple[int, ...]  # dBFS per 20 ms, oldest first
    pitch: tuple[int, ...]  # Hz per 20 ms, 0 where unvoiced

    def to_dict(self) -> dict[str, list[int]]:
        return {"levels": list(self.levels), "pitch": list(self.pitch)}

    @classmethod
    def from_data(cls, value: object) -> WakePrint | None:
        """The fingerprint a `run-pipeline` carries, or None for none (an older satellite) or
        anything malformed (treated the same way, never an error)."""
        if not isinstance(value, dict):
            return None
        levels = _row(value.get("levels"), FLOOR_DB, 0)
        pitch = _row(value.get("pitch"), 0, MAX_PITCH_HZ)
        if levels is None or pitch is None:
            return None
        return cls(levels, pitch)


def _row(value: Any, low: int, high: int) -> tuple[int, ...] | None:
    if not isinstance(value, list) or len(value) != FRAMES:
        return None
    if not all(type(v) is int and low <= v <= high for v in value):
        return None
    return tuple(value)


def same_utterance(a: WakePrint | None, b: WakePrint | None) -> bool:
    """True if two hearings are one utterance; without both fingerprints, assumed so (the
    arbiter's rule before fingerprints)."""
    if a is None or b is None:
        return True
    shape, pitch = likeness(a, b)
    return shape >= SAME_SHAPE and pitch >= SAME_PITCH


def likeness(a: WakePrint, b: WakePrint) -> tuple[float, float]:
    """(loudness correlation, pitch agreement) at the lag where the loudness fits best."""
    x, y = _shape(a.levels), _shape(b.levels)
    best = (-1.0, 0.0)
    for lag in range(-MAX_LAG_FRAMES, MAX_LAG_FRAMES + 1):
        shape = _correlation(*_overlap(x, y, lag))
        if shape > best[0]:
            best = (shape, _pitch_agreement(*_overlap(a.pitch, b.pitch, lag)))
    return best


def _overlap(x: Sequence[_T], y: Sequence[_T], lag: int) -> tuple[Sequence[_T], Sequence[_T]]:
    if lag >= 0:
        return x[lag:], y[: len(y) - lag]
    return x[: len(x) + lag], y[-lag:]


def _shape(levels: Sequence[int]) -> list[float]:
    top = max(levels)
    return [float(max(level, top - _QUIET_DB)) for level in levels]


def _correlation(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    mean_x, mean_y = sum(x) / n, sum(y) / n
    dx = [v - mean_x for v in x]
    dy = [v - mean_y for v in y]
    spread = math.sqrt(sum(v * v for v in dx) * sum(v * v for v in dy))
    if spread == 0:
        return 0.0
    return sum(p * q for p, q in zip(dx, dy, strict=True)) / spread


def _pitch_agreement(x: Sequence[int], y: Sequence[int]) -> float:
    """Of the frames voiced in both, the share at the same pitch (0 if none is: a voice's
    pitch is what tells two people apart). Echo and distance hide the voice in some frames
    of one room, so frames voiced in one only do not count; they never change its pitch."""
    both = [(p, q) for p, q in zip(x, y, strict=True) if p and q]
    if not both:
        return 0.0
    return sum(1 for p, q in both if abs(math.log2(p / q)) < _PITCH_TOLERANCE) / len(both)
