"""The shared wake word detector as the tests drive it: openWakeWord's hey_jarvis models
from .models/wake (with our head when asked), fed as a microphone gives audio."""

from __future__ import annotations

import numpy as np

from indoor_voice_models.wake import WakeWordModels
from indoor_voice_models.wake_head import HEAD_FILE, load_head

from .engine_process import MODELS

FOLDER = MODELS / "wake"
CHUNK = 320  # samples: 20 ms at 16 kHz


def hey_jarvis(*, with_head: bool = False) -> WakeWordModels:
    """The detector for hey_jarvis; `with_head`: scored by the head scripts/setup trains."""
    heads = None
    if with_head:
        head = load_head(FOLDER)
        assert head is not None, f"no {HEAD_FILE} in {FOLDER}: scripts/setup trains it"
        heads = {"hey_jarvis": head}
    return WakeWordModels(
        FOLDER / "melspectrogram.onnx",
        FOLDER / "embedding_model.onnx",
        {"hey_jarvis": (FOLDER / "hey_jarvis_v0.1.onnx", "Hey Jarvis")},
        heads,
    )


def listen(models: WakeWordModels, audio: np.ndarray) -> tuple[list[str], float]:
    """The wake words heard at the default threshold (0.5) and the best hey_jarvis score."""
    stream = models.new_stream(None, 0.5, 2.0)
    found = [
        hit.name
        for start in range(0, audio.size, CHUNK)
        for hit in stream.process(audio[start : start + CHUNK])
    ]
    return found, stream.best_scores["hey_jarvis"]
