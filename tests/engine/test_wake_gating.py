"""Skipping the wake word models in silence changes nothing the classifier sees."""

from __future__ import annotations

import numpy as np

from indoor_voice_models import wake
from indoor_voice_models.wake import WakeWordModels
from testbed.engine_process import MODELS
from testbed.speech import espeak, silence


def _models() -> WakeWordModels:
    folder = MODELS / "wake"
    return WakeWordModels(
        folder / "melspectrogram.onnx",
        folder / "embedding_model.onnx",
        {"hey_jarvis": (folder / "hey_jarvis_v0.1.onnx", "Hey Jarvis")},
    )


def _scores(models: WakeWordModels, audio: np.ndarray) -> tuple[list[str], float]:
    stream = models.new_stream(None, 0.5, 2.0)
    found = [
        d.name
        for start in range(0, audio.size, 320)
        for d in stream.process(audio[start : start + 320])
    ]
    return found, stream.best_scores["hey_jarvis"]


def test_silence_between_wake_words_is_skipped_without_changing_scores(monkeypatch) -> None:
    audio = np.frombuffer(
        silence(6.0)
        + espeak("hey jarvis")
        + silence(6.0)
        + espeak("hey jarvis, lights on")
        + silence(1.0),
        dtype=np.int16,
    )
    models = _models()
    runs = 0
    real_embed = models.embed

    def counting_embed(windows: np.ndarray) -> np.ndarray:
        nonlocal runs
        runs += len(windows)
        return real_embed(windows)

    monkeypatch.setattr(models, "embed", counting_embed)
    gated = _scores(models, audio)
    gated_runs, runs = runs, 0

    monkeypatch.setattr(wake, "_AUDIBLE_RMS", -1.0)  # everything audible: every step computed
    everything = _scores(models, audio)

    assert gated[0] == everything[0] == ["hey_jarvis", "hey_jarvis"]
    assert abs(gated[1] - everything[1]) < 1e-5
    assert gated_runs < 0.6 * runs  # most of the silences were skipped
