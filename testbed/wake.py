"""The shared wake word detector as the tests drive it: openWakeWord's hey_jarvis models
from .models/wake (with our head when asked), fed as a microphone gives audio. Integration
tests reach it through `best_scores` (python -m testbed.wake CLIP...)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .engine_process import MODELS
from .processes import REPO, programs_python

if TYPE_CHECKING:
    from indoor_voice_models.wake import WakeWordModels

FOLDER = MODELS / "wake"
CHUNK = 320  # samples: 20 ms at 16 kHz


def hey_jarvis(*, with_head: bool = False) -> WakeWordModels:
    """The detector for hey_jarvis; `with_head`: scored by the head scripts/setup trains.
    Only in the programs' interpreter (onnxruntime)."""
    from indoor_voice_models.wake import WakeWordModels  # noqa: PLC0415
    from indoor_voice_models.wake_head import HEAD_FILE, load_head  # noqa: PLC0415

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


def best_scores(clips: list[bytes], workdir: Path) -> list[float]:
    """The best hey_jarvis score (with the head) of each 16-bit clip, from the programs'
    interpreter: a Home Assistant lane's own has no onnxruntime."""
    paths = []
    for number, clip in enumerate(clips):
        paths.append(workdir / f"clip-{number}.raw")
        paths[-1].write_bytes(clip)
    done = subprocess.run(
        [programs_python(), "-m", "testbed.wake", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [float(score) for score in done.stdout.split()]


if __name__ == "__main__":
    _models = hey_jarvis(with_head=True)
    for _path in sys.argv[1:]:
        print(listen(_models, np.fromfile(_path, dtype=np.int16))[1])
