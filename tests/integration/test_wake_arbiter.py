"""The arbiter alone: hearings of one utterance pick one satellite, hearings of several
utterances at the same moment each get an answer (the real satellites: test_satellite.py)."""

from __future__ import annotations

import asyncio

from custom_components.indoor_voice.link.wake_print import FRAMES, WakePrint
from custom_components.indoor_voice.satellites.arbiter import Hearing, Verdict, WakeArbiter

ANSWER, ANSWER_TOO, STAND_DOWN = Verdict.ANSWER, Verdict.ANSWER_TOO, Verdict.STAND_DOWN

PHRASE = "Hey Jarvis"


def _print(syllables: list[int], pitch: int, late: int = 0, gain_db: int = 0) -> WakePrint:
    """Loud frames at `syllables` (shifted `late` frames) at `pitch` Hz, quiet elsewhere."""
    levels = [-90] * FRAMES
    pitches = [0] * FRAMES
    for frame in syllables:
        for at in range(frame + late, min(frame + late + 4, FRAMES)):
            levels[at] = -20 + gain_db - (at - frame - late) * 3
            pitches[at] = pitch
    return WakePrint(tuple(max(level, -96) for level in levels), tuple(pitches))


ONE = [10, 18, 30, 44]
TWO = [12, 25, 33, 50]
THREE = [8, 22, 38, 46]


def _arbiter(*satellites: str) -> WakeArbiter:
    arbiter = WakeArbiter()
    for satellite in satellites:
        arbiter.register(satellite)
    return arbiter


async def test_one_utterance_heard_in_three_rooms_is_answered_once() -> None:
    arbiter = _arbiter("kitchen", "hall", "bedroom")
    answers = await asyncio.gather(
        arbiter.async_contest(PHRASE, Hearing("kitchen", 0.98, -20, _print(ONE, 120))),
        arbiter.async_contest(PHRASE, Hearing("hall", 0.95, -32, _print(ONE, 121, 2, -12))),
        arbiter.async_contest(PHRASE, Hearing("bedroom", 0.81, -40, _print(ONE, 119, 4, -20))),
    )
    assert answers == [ANSWER, STAND_DOWN, STAND_DOWN]


async def test_a_room_far_off_scoring_a_little_higher_does_not_answer_for_the_near_one() -> None:
    """The wake word head scores a faint hearing about as high as a loud one, now and then
    higher: the loud one answers."""
    arbiter = _arbiter("kitchen", "hall")
    answers = await asyncio.gather(
        arbiter.async_contest(PHRASE, Hearing("kitchen", 0.82, -20, _print(ONE, 120))),
        arbiter.async_contest(PHRASE, Hearing("hall", 0.95, -34, _print(ONE, 121, 2, -14))),
    )
    assert answers == [ANSWER, STAND_DOWN]


async def test_three_people_at_the_same_moment_are_each_answered() -> None:
    arbiter = _arbiter("kitchen", "hall", "bedroom")
    answers = await asyncio.gather(
        arbiter.async_contest(PHRASE, Hearing("kitchen", 0.98, -20, _print(ONE, 120))),
        arbiter.async_contest(PHRASE, Hearing("hall", 0.95, -25, _print(TWO, 210))),
        arbiter.async_contest(PHRASE, Hearing("bedroom", 0.91, -30, _print(THREE, 160))),
    )
    # each answers; Home Assistant would take the second and third phrase for duplicates
    assert sorted(answers, key=lambda v: v.value) == [ANSWER, ANSWER_TOO, ANSWER_TOO]


async def test_two_people_heard_in_four_rooms_get_two_answers() -> None:
    arbiter = _arbiter("kitchen", "dining", "hall", "bedroom")
    answers = await asyncio.gather(
        arbiter.async_contest(PHRASE, Hearing("kitchen", 0.98, -20, _print(ONE, 120))),
        arbiter.async_contest(PHRASE, Hearing("dining", 0.9, -35, _print(ONE, 120, 1, -15))),
        arbiter.async_contest(PHRASE, Hearing("hall", 0.7, -38, _print(TWO, 210, 2, -18))),
        arbiter.async_contest(PHRASE, Hearing("bedroom", 0.99, -22, _print(TWO, 210))),
    )
    assert [a is STAND_DOWN for a in answers] == [False, True, True, False], answers


async def test_a_late_hearing_of_an_answered_utterance_stands_down_another_is_answered() -> None:
    arbiter = _arbiter("kitchen", "hall", "bedroom")
    kitchen = Hearing("kitchen", 0.9, -20, _print(ONE, 120))
    assert await arbiter.async_contest(PHRASE, kitchen) is ANSWER
    hall = Hearing("hall", 0.99, -10, _print(ONE, 120, 1))
    assert await arbiter.async_contest(PHRASE, hall) is STAND_DOWN  # the same words, late
    bedroom = Hearing("bedroom", 0.9, -20, _print(THREE, 160))
    assert await arbiter.async_contest(PHRASE, bedroom) is ANSWER_TOO  # someone else, just after


async def test_satellites_without_a_fingerprint_keep_the_rule_before_it() -> None:
    """An older satellite sends no fingerprint: it heard whatever the others heard, and only
    the best of them answers, as before."""
    arbiter = _arbiter("kitchen", "hall", "bedroom")
    answers = await asyncio.gather(
        arbiter.async_contest(PHRASE, Hearing("kitchen", 0.98, -20)),
        arbiter.async_contest(PHRASE, Hearing("hall", 0.95, -25, _print(TWO, 210))),
        arbiter.async_contest(PHRASE, Hearing("bedroom", 0.91, -30)),
    )
    assert answers == [ANSWER, STAND_DOWN, STAND_DOWN]
