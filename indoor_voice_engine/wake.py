"""Wake word detection with openWakeWord's ONNX models on onnxruntime.

openWakeWord scores 80 ms steps: a mel spectrogram of the newest audio feeds a speech
embedding model (76 mel frames in, one 96-value embedding out), and each wake word
classifier scores the newest embeddings (16 for the bundled models). The models are
shared by every stream; each stream keeps only its own small buffers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort

_LOGGER = logging.getLogger(__name__)

STEP_SAMPLES = 1280  # 80 ms at 16 kHz
_MEL_CONTEXT = 480  # three 10 ms hops of left context for the mel window
_MEL_FRAMES = 76
_MEL_BINS = 32
_WARMUP_STEPS = 5  # openWakeWord ignores its first scores while buffers fill


def _session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    # One stream costs ~1 ms per 80 ms step; extra threads only add wake-ups.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@dataclass(frozen=True)
class WakeWord:
    name: str
    phrase: str
    session: ort.InferenceSession
    input_name: str
    frames: int


@dataclass(frozen=True)
class Detection:
    name: str
    score: float
    timestamp_ms: int


class WakeWordModels:
    """The feature models and the wake word classifiers, loaded once."""

    def __init__(
        self, melspectrogram: Path, embedding: Path, classifiers: dict[str, tuple[Path, str]]
    ):
        self._mel = _session(melspectrogram)
        self._mel_input = self._mel.get_inputs()[0].name
        self._embedding = _session(embedding)
        self._embedding_input = self._embedding.get_inputs()[0].name
        self.words: dict[str, WakeWord] = {}
        for name, (path, phrase) in classifiers.items():
            session = _session(path)
            model_input = session.get_inputs()[0]
            self.words[name] = WakeWord(
                name, phrase, session, model_input.name, int(model_input.shape[1])
            )
        self.initial_mel = np.ones((_MEL_FRAMES, _MEL_BINS), dtype=np.float32)
        self.initial_embedding = self.embed(self.initial_mel)

    def mel(self, samples: np.ndarray) -> np.ndarray:
        """Mel frames for int16 samples, scaled as openWakeWord's embedding model expects."""
        spectrogram = self._mel.run(None, {self._mel_input: samples.astype(np.float32)[None]})[0]
        return np.squeeze(spectrogram, axis=(1,)).reshape(-1, _MEL_BINS) / 10.0 + 2.0

    def embed(self, mel_window: np.ndarray) -> np.ndarray:
        result = self._embedding.run(None, {self._embedding_input: mel_window[None, :, :, None]})
        return result[0].reshape(-1)

    def score(self, word: WakeWord, embeddings: np.ndarray) -> float:
        window = embeddings[-word.frames :][None].astype(np.float32)
        return float(word.session.run(None, {word.input_name: window})[0].reshape(-1)[0])

    def new_stream(
        self, names: list[str] | None, threshold: float, refractory_seconds: float
    ) -> WakeWordStream:
        return WakeWordStream(self, names, threshold, refractory_seconds)

    def warm_up(self) -> None:
        stream = self.new_stream(None, 1.1, 0.0)
        stream.process(np.zeros(STEP_SAMPLES * 2, dtype=np.int16))


class WakeWordStream:
    """One client's audio stream: call `process` with 16 kHz int16 samples in order."""

    def __init__(
        self,
        models: WakeWordModels,
        names: list[str] | None,
        threshold: float,
        refractory_seconds: float,
    ) -> None:
        self._models = models
        self.words = [models.words[n] for n in (names or list(models.words))]
        self._threshold = threshold
        self._refractory_steps = round(refractory_seconds * 16_000 / STEP_SAMPLES)
        history = max((w.frames for w in self.words), default=16)
        self._pending = np.zeros(0, dtype=np.int16)
        self._context = np.zeros(_MEL_CONTEXT, dtype=np.int16)
        self._mel = models.initial_mel.copy()
        self._embeddings = np.tile(models.initial_embedding, (history, 1))
        self._steps = 0
        self._quiet_until: dict[str, int] = {}
        self.best_scores: dict[str, float] = {w.name: 0.0 for w in self.words}

    @property
    def buffered(self) -> int:
        """Samples waiting for the next 80 ms step."""
        return self._pending.size

    def process(self, samples: np.ndarray) -> list[Detection]:
        """Feed samples; return the detections they complete."""
        if samples.size:
            self._pending = np.concatenate((self._pending, samples))
        detections: list[Detection] = []
        while self._pending.size >= STEP_SAMPLES:
            step, self._pending = self._pending[:STEP_SAMPLES], self._pending[STEP_SAMPLES:]
            detections.extend(self._step(step))
        return detections

    def _step(self, step: np.ndarray) -> list[Detection]:
        models = self._models
        new_mel = models.mel(np.concatenate((self._context, step)))
        self._context = step[-_MEL_CONTEXT:]
        self._mel = np.concatenate((self._mel, new_mel))[-_MEL_FRAMES:]
        embedding = models.embed(self._mel)
        self._embeddings = np.concatenate((self._embeddings[1:], embedding[None]))
        self._steps += 1
        if self._steps <= _WARMUP_STEPS:
            return []

        timestamp_ms = self._steps * STEP_SAMPLES * 1000 // 16_000
        detections = []
        for word in self.words:
            score = models.score(word, self._embeddings)
            self.best_scores[word.name] = max(self.best_scores[word.name], score)
            if score < self._threshold or self._steps < self._quiet_until.get(word.name, 0):
                continue
            self._quiet_until[word.name] = self._steps + self._refractory_steps
            detections.append(Detection(word.name, score, timestamp_ms))
        return detections
