"""A wake word head of our own: a small network over openWakeWord's speech embeddings.

openWakeWord's bundled hey_jarvis classifier never learnt some English accents (espeak-ng's
Caribbean, Scottish, Indian and several British voices score 0.0 at any gain). Its
embedding model, though, describes speech in general. A head trained on the embeddings of
"hey jarvis" in many synthesized voices (`python -m indoor_voice_models.train_wake`, run at
install time: no weights are shipped or downloaded) hears those voices too.

The head sees the same 16 embeddings (1.28 s) the bundled classifiers see and runs in
plain numpy: one matrix product per 80 ms step.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_LOGGER = logging.getLogger(__name__)

HEAD_WORD = "hey_jarvis"  # the wake word the head is trained for
HEAD_FILE = "hey_jarvis_head.npz"  # in the wake word models folder, written by train_wake
HEAD_FRAMES = 16
EMBEDDING_SIZE = 96
# train_wake's recipe: a head made by an older one is made again (train_wake --if-missing).
RECIPE = 4


@dataclass(frozen=True)
class WakeHead:
    """A two-layer network: (16 x 96) embeddings -> ReLU hidden layer -> probability."""

    mean: np.ndarray  # (1536,) feature normalisation learnt with the weights
    scale: np.ndarray  # (1536,)
    hidden_weights: np.ndarray  # (1536, H)
    hidden_bias: np.ndarray  # (H,)
    out_weights: np.ndarray  # (H,)
    out_bias: float

    @classmethod
    def load(cls, path: Path) -> WakeHead:
        """ValueError when the file is not a head of this shape."""
        try:
            with np.load(path) as data:
                head = cls(
                    _flushed(data["mean"]),
                    _flushed(data["scale"]),
                    _flushed(data["hidden_weights"]),
                    _flushed(data["hidden_bias"]),
                    _flushed(data["out_weights"]),
                    float(data["out_bias"]),
                )
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as err:
            raise ValueError(f"{path} is not a wake word head: {err}") from err
        inputs = HEAD_FRAMES * EMBEDDING_SIZE
        hidden = head.hidden_bias.shape
        if head.mean.shape != (inputs,) or head.hidden_weights.shape != (inputs, *hidden):
            raise ValueError(f"{path} is not a wake word head: its shapes do not fit")
        if head.out_weights.shape != hidden or head.scale.shape != (inputs,):
            raise ValueError(f"{path} is not a wake word head: its shapes do not fit")
        return head

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial.npz")
        np.savez(
            partial,
            mean=self.mean,
            scale=self.scale,
            hidden_weights=self.hidden_weights,
            hidden_bias=self.hidden_bias,
            out_weights=self.out_weights,
            out_bias=np.float32(self.out_bias),
            recipe=np.int32(RECIPE),
        )
        partial.replace(path)

    def logits(self, windows: np.ndarray) -> np.ndarray:
        """Log-odds of the phrase for a batch of windows (n, 16, 96)."""
        features = (windows.reshape(len(windows), -1) - self.mean) / self.scale
        hidden = np.maximum(features @ self.hidden_weights + self.hidden_bias, 0.0)
        return np.asarray(hidden @ self.out_weights + self.out_bias)

    def scores(self, windows: np.ndarray) -> np.ndarray:
        """Probabilities for a batch of windows (n, 16, 96)."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(windows), -30.0, 30.0)))

    def window_scores(self, windows: np.ndarray) -> list[float]:
        """For each window (n, at least 16, 96) of embeddings, its newest 16 scored on the
        wake threshold's scale (calibrated), in one product."""
        return [calibrated(float(logit)) for logit in self.logits(windows[:, -HEAD_FRAMES:])]


def _flushed(values: np.ndarray) -> np.ndarray:
    """float32 with subnormal values set to 0: training leaves thousands of weights below
    float32's smallest normal number, and each one makes the CPU take a slow path (the
    hidden layer's product took 0.52 ms a step instead of 0.04); their worth is nil."""
    values = values.astype(np.float32)
    values[np.abs(values) < np.finfo(np.float32).tiny] = 0.0
    return values


def calibrated(logit: float) -> float:
    """The head's log-odds on the scale the wake thresholds use, so that each sensitivity
    level (relaxed 0.25, default 0.5, strict 0.75) means the head's own threshold for it,
    tuned on the development set. Linear in log-odds between the levels."""
    return float(np.interp(logit, LEVEL_LOGITS, LEVEL_SCORES))


# The head's thresholds (log-odds) for relaxed, default and strict, tuned on the development
# set by `scripts/wake-head tune` (README, "The wake word head"), and a score of 0 and 1 ten
# below and above.
LEVEL_SCORES = [0.0, 0.25, 0.5, 0.75, 1.0]
LEVEL_LOGITS = [-6.0, 4.0, 5.75, 9.75, 19.75]


def load_head(folder: Path) -> WakeHead | None:
    """The head trained on this machine, or None when it was not made (yet) or cannot be read
    (said in the log: the classifier alone still serves)."""
    path = folder / HEAD_FILE
    if not path.is_file():
        return None
    try:
        return WakeHead.load(path)
    except ValueError as err:
        _LOGGER.warning("%s; make it again with python -m indoor_voice_models.train_wake", err)
        return None


def head_is_current(folder: Path) -> bool:
    """Whether the folder holds a head made by this recipe."""
    try:
        with np.load(folder / HEAD_FILE) as data:
            return int(data["recipe"]) == RECIPE
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return False
