"""How well wake word fingerprints tell one utterance heard in three rooms from different
voices saying the wake word at once (`indoor_voice_link.wake_print`). Runs in the programs'
venv, where the satellite makes them: `python -m scripts.benchmark.wake_prints` prints JSON.
"""

from __future__ import annotations

import itertools
import json

import numpy as np

from indoor_voice_link.wake_print import WakePrint, likeness, same_utterance
from indoor_voice_satellite.wake_print import wake_print
from testbed.rooms import DOWN_THE_HALL, NEAR, NEXT_DOOR
from testbed.speech import silence

from .corpus import ESPEAK_VOICES, PIPER, PIPER_FAST, PIPER_SLOW, Speaker

# Every voice the benchmark speaks in, with pitch and female variants
VOICES = (
    *ESPEAK_VOICES,
    "en-us+f3",
    "en-us+f4",
    "en-gb+f4",
    "en-gb@p80",
    "en-us@p20",
    PIPER,
    PIPER_SLOW,
    PIPER_FAST,
)
STEP_SECONDS = 0.08  # each room's satellite fires one 80 ms step after the one before


def measure() -> dict[str, float]:
    speaker = Speaker()
    prints: dict[str, list[WakePrint]] = {}
    for voice in VOICES:
        words = silence(0.5) + speaker.say("hey jarvis", voice)
        prints[voice] = [
            wake_print(
                np.frombuffer(room.hear(words) + silence(0.1 + late * STEP_SECONDS), np.int16)
            )
            for late, room in enumerate((NEAR, NEXT_DOOR, DOWN_THE_HALL))
        ]
    same = [(a, b) for p in prints.values() for a, b in itertools.combinations(p, 2)]
    apart = [
        (a, b)
        for v, w in itertools.combinations(VOICES, 2)
        for a, b in itertools.product(prints[v], prints[w])
    ]
    merged = sorted(
        {
            f"{v} ~ {w}"
            for v, w in itertools.combinations(VOICES, 2)
            if any(same_utterance(a, b) for a, b in itertools.product(prints[v], prints[w]))
        }
    )
    return {
        "one_utterance_pairs": len(same),
        "one_utterance_kept_together": sum(same_utterance(a, b) for a, b in same) / len(same),
        "one_utterance_lowest_shape": min(likeness(a, b)[0] for a, b in same),
        "one_utterance_lowest_pitch": min(likeness(a, b)[1] for a, b in same),
        "different_voice_pairs": len(apart),
        "different_voices_told_apart": sum(not same_utterance(a, b) for a, b in apart) / len(apart),
        "voices_taken_for_one": merged,  # type: ignore[dict-item]
    }


if __name__ == "__main__":
    print(json.dumps(measure()))
