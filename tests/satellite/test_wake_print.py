"""A wake word's fingerprint tells one person heard in several rooms from several people
speaking at once (what the arbiter in Home Assistant compares, `indoor_voice_link.wake_print`)."""

from __future__ import annotations

import numpy as np
import pytest

from indoor_voice_link.wake_print import FRAMES, WakePrint, likeness, same_utterance
from indoor_voice_satellite.wake_print import wake_print
from testbed.rooms import DOWN_THE_HALL, NEAR, NEXT_DOOR
from testbed.speech import espeak, silence

STEP = 1280  # satellites fire on 80 ms steps of their own


def _heard(pcm: bytes, late_steps: int = 0) -> WakePrint:
    """The fingerprint a satellite sends when it fires `late_steps` 80 ms after the wake word."""
    samples = np.frombuffer(pcm + silence(0.1 + late_steps * STEP / 16_000), dtype=np.int16)
    return wake_print(samples)


def _said(voice: str, pitch: int | None = None) -> bytes:
    return silence(0.5) + espeak("hey jarvis", voice, pitch=pitch)


def test_one_person_heard_in_three_rooms_is_one_utterance() -> None:
    words = _said("en-us")
    near, next_door, hall = (
        _heard(NEAR.hear(words)),
        _heard(NEXT_DOOR.hear(words), late_steps=1),
        _heard(DOWN_THE_HALL.hear(words), late_steps=2),
    )
    assert same_utterance(near, next_door), likeness(near, next_door)
    assert same_utterance(near, hall), likeness(near, hall)
    assert same_utterance(next_door, hall), likeness(next_door, hall)


@pytest.mark.parametrize(
    ("voice", "other", "other_pitch"),
    [("en-us", "en-us+f3", None), ("en-us+f3", "en-gb", 80), ("en-gb-scotland", "en-us", 20)],
)
def test_two_people_saying_it_at_once_are_two_utterances(
    voice: str, other: str, other_pitch: int | None
) -> None:
    one, two = _heard(NEAR.hear(_said(voice))), _heard(NEXT_DOOR.hear(_said(other, other_pitch)))
    assert not same_utterance(one, two), likeness(one, two)


def test_a_fingerprint_carries_loudness_and_pitch_only() -> None:
    heard = _heard(_said("en-us"))
    assert len(heard.levels) == len(heard.pitch) == FRAMES
    assert max(heard.levels) > -40 and min(heard.levels) == -96  # speech, and digital silence
    assert any(70 <= hz <= 400 for hz in heard.pitch)
    assert WakePrint.from_data(heard.to_dict()) == heard


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"levels": [0] * FRAMES},
        {"levels": [0] * (FRAMES - 1), "pitch": [0] * FRAMES},
        {"levels": [1] * FRAMES, "pitch": [0] * FRAMES},
        {"levels": [0] * FRAMES, "pitch": [True] * FRAMES},
        {"levels": ["-3"] * FRAMES, "pitch": [0] * FRAMES},
    ],
)
def test_a_malformed_fingerprint_is_none(data: object) -> None:
    assert WakePrint.from_data(data) is None


def test_without_a_fingerprint_hearings_are_one_utterance_as_before() -> None:
    assert same_utterance(None, _heard(_said("en-us")))
