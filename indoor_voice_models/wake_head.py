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

from dataclasses import dataclass
from pathlib import Path

import numpy as np

HEAD_FILE = "hey_jarvis_head.npz"  # in the wake word models folder, written by train_wake
HEAD_FRAMES = 16
EMBEDDING_SIZE = 96


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
        with np.load(path) as data:
            return cls(
                data["mean"].astype(np.float32),
                data["scale"].astype(np.float32),
                data["hidden_weights"].astype(np.float32),
                data["hidden_bias"].astype(np.float32),
                data["out_weights"].astype(np.float32),
                float(data["out_bias"]),
            )

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
        )
        partial.replace(path)

    def scores(self, windows: np.ndarray) -> np.ndarray:
        """Probabilities for a batch of windows (n, 16, 96)."""
        features = (windows.reshape(len(windows), -1) - self.mean) / self.scale
        hidden = np.maximum(features @ self.hidden_weights + self.hidden_bias, 0.0)
        logits = hidden @ self.out_weights + self.out_bias
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))

    def score(self, embeddings: np.ndarray) -> float:
        """The probability for the newest 16 embeddings of a stream."""
        return float(self.scores(embeddings[-HEAD_FRAMES:][None])[0])


def load_head(folder: Path) -> WakeHead | None:
    """The head trained on this machine, or None when it was not made (yet)."""
    path = folder / HEAD_FILE
    return WakeHead.load(path) if path.is_file() else None
