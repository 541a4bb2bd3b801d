"""Skipping the wake word models in silence changes nothing the classifier sees."""

from __future__ import annotations

import numpy as np

from indoor_voice_models import wake
from testbed.speech import espeak, silence
from testbed.wake import hey_jarvis, listen


def test_silence_between_wake_words_is_skipped_without_changing_scores(monkeypatch) -> None:
    audio = np.frombuffer(
        silence(6.0)
        + espeak("hey jarvis")
        + silence(6.0)
        + espeak("hey jarvis, lights on")
        + silence(1.0),
        dtype=np.int16,
    )
    models = hey_jarvis()
    runs = 0
    real_embed = models.embed

    def counting_embed(windows: np.ndarray) -> np.ndarray:
        nonlocal runs
        runs += len(windows)
        return real_embed(windows)

    monkeypatch.setattr(models, "embed", counting_embed)
    gated = listen(models, audio)
    gated_runs, runs = runs, 0

    monkeypatch.setattr(wake, "_AUDIBLE_RMS", -1.0)  # everything audible: every step computed
    everything = listen(models, audio)

    assert gated[0] == everything[0] == ["hey_jarvis", "hey_jarvis"]
    assert abs(gated[1] - everything[1]) < 1e-5
    assert gated_runs < 0.6 * runs  # most of the silences were skipped
