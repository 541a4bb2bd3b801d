"""Running the wake word models on several 80 ms steps at once (what the engine's `detect`
does to spend less CPU) scores each step exactly as one step at a time does."""

from __future__ import annotations

import numpy as np
import pytest

from indoor_voice_models.wake import STEP_SAMPLES, WakeHit, WakeWordModels
from testbed.speech import espeak, silence
from testbed.wake import CHUNK, hey_jarvis

pytestmark = pytest.mark.models


def _audio() -> np.ndarray:
    """Wake words, a near miss and silences long enough to be skipped; it ends with steps
    that only the flush at the end scores."""
    pcm = (
        silence(3.0)
        + espeak("hey jarvis, lights on")
        + silence(0.3)
        + espeak("hey jarvie", "en-gb")
        + silence(4.0)
        + espeak("hey jarvis", "en-us+f3")
    )
    samples = np.frombuffer(pcm, dtype=np.int16)
    steps = samples.size // STEP_SAMPLES
    steps -= 1 - steps % 2  # odd: with two steps a run, the last one waits for the flush
    return samples[: steps * STEP_SAMPLES + STEP_SAMPLES // 2]


def _heard(
    models: WakeWordModels, audio: np.ndarray, steps_per_run: int
) -> tuple[list[WakeHit], list[WakeHit], dict[str, float], int]:
    stream = models.new_stream(None, 0.5, 2.0, steps_per_run)
    runs = 0
    embed = models.embed

    def counted(windows: np.ndarray) -> np.ndarray:
        nonlocal runs
        runs += 1
        return embed(windows)

    models.embed = counted  # type: ignore[method-assign]
    try:
        hits = [
            h for s in range(0, audio.size, CHUNK) for h in stream.process(audio[s : s + CHUNK])
        ]
        hits += stream.flush()
    finally:
        del models.embed
    return hits, stream.take_near_misses(), stream.best_scores, runs


@pytest.mark.parametrize("with_head", [False, True], ids=["classifier", "head"])
def test_steps_run_together_score_as_one_at_a_time(with_head: bool) -> None:
    models = hey_jarvis(with_head=with_head)
    audio = _audio()
    one_hits, one_misses, one_best, one_runs = _heard(models, audio, 1)
    assert len(one_hits) >= 2

    for steps in (2, 3):
        hits, misses, best, runs = _heard(models, audio, steps)
        assert [(h.name, h.timestamp_ms) for h in hits] == [
            (h.name, h.timestamp_ms) for h in one_hits
        ]
        assert [h.score for h in hits] == pytest.approx([h.score for h in one_hits], abs=1e-5)
        assert [(m.timestamp_ms, round(m.score, 4)) for m in misses] == [
            (m.timestamp_ms, round(m.score, 4)) for m in one_misses
        ]
        assert best["hey_jarvis"] == pytest.approx(one_best["hey_jarvis"], abs=1e-5)
        assert runs <= one_runs / steps + 3, f"{runs} runs of the embedding model for {steps}"
