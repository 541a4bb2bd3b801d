"""Wake word detection with openWakeWord's ONNX models on onnxruntime.

openWakeWord scores 80 ms steps: a mel spectrogram of the newest audio feeds a speech
embedding model (76 mel frames in, one 96-value embedding out), and each wake word
classifier scores the newest embeddings (16 for the bundled models). The models are
shared by every stream; each stream keeps only its own small buffers.

A wake word cannot hide in silence, and a home is mostly quiet: while nothing audible has
reached the classifier's view (its 16 steps plus one mel window, about 2 s), only the cheap
mel spectrogram runs. When sound arrives, the embeddings skipped meanwhile are computed
from the kept mel frames in one batch, so the classifier sees exactly what it would have
seen had every step been computed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort

from .wake_head import WakeHead

_LOGGER = logging.getLogger(__name__)

STEP_SAMPLES = 1280  # 80 ms at 16 kHz
_MEL_CONTEXT = 480  # three 10 ms hops of left context for the mel window
_MEL_FRAMES = 76
_MEL_BINS = 32
_WARMUP_STEPS = 5  # openWakeWord ignores its first scores while buffers fill
_MEL_FRAMES_PER_STEP = 8
_AUDIBLE_RMS = 32.0  # about -60 dBFS: quieter steps are silence to a wake word
NEAR_MISS_SCORE = 0.2  # a peak this high that did not wake counts as a near miss


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
class WakeHit:
    """A wake word heard in a stream (what `wyoming.wake.Detection` then reports), or, with
    `accepted` false, a near miss: a peak of at least NEAR_MISS_SCORE below the threshold."""

    name: str
    score: float
    timestamp_ms: int
    accepted: bool = True


class WakeWordModels:
    """The feature models and the wake word classifiers, loaded once."""

    def __init__(
        self,
        melspectrogram: Path,
        embedding: Path,
        classifiers: dict[str, tuple[Path, str]],
        heads: dict[str, WakeHead] | None = None,
    ):
        # A word with a head of our own (wake_head.py) is scored by it instead of its
        # classifier: it hears the voices the classifier never learnt.
        self.heads = heads or {}
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
        self.initial_embedding = self.embed(self.initial_mel[None])[0]

    def mel(self, samples: np.ndarray) -> np.ndarray:
        """Mel frames for int16 samples, scaled as openWakeWord's embedding model expects."""
        spectrogram = self._mel.run(None, {self._mel_input: samples.astype(np.float32)[None]})[0]
        return np.squeeze(spectrogram, axis=(1,)).reshape(-1, _MEL_BINS) / 10.0 + 2.0

    def embed(self, mel_windows: np.ndarray) -> np.ndarray:
        """Embeddings (n, 96) for mel windows (n, 76, 32), in one model run."""
        result = self._embedding.run(None, {self._embedding_input: mel_windows[:, :, :, None]})
        return result[0].reshape(len(mel_windows), -1)

    def embeddings_of(self, samples: np.ndarray, history: int = 16) -> np.ndarray:
        """The embeddings a stream computes for int16 `samples`, all at once: `history`
        starting embeddings, then one per 80 ms step (for training and measuring heads)."""
        context: np.ndarray = np.zeros(_MEL_CONTEXT, dtype=np.int16)
        mels = [np.tile(self.initial_mel[:1], (_MEL_FRAMES, 1))]
        ends = []
        length = _MEL_FRAMES
        for start in range(0, samples.size - STEP_SAMPLES + 1, STEP_SAMPLES):
            step = samples[start : start + STEP_SAMPLES]
            mels.append(self.mel(np.concatenate((context, step))))
            context = step[-_MEL_CONTEXT:]
            length += len(mels[-1])
            ends.append(length)
        mel = np.concatenate(mels)
        found = [np.tile(self.initial_embedding, (history, 1))]
        for first in range(0, len(ends), 256):
            windows = np.stack([mel[end - _MEL_FRAMES : end] for end in ends[first : first + 256]])
            found.append(self.embed(windows))
        return np.concatenate(found)

    def scores(self, word: WakeWord, windows: np.ndarray) -> list[float]:
        """The word's score for each window (n, at least its frames, 96) of embeddings."""
        head = self.heads.get(word.name)
        if head is not None:
            return head.window_scores(windows)
        return [
            float(word.session.run(None, {word.input_name: window[None]})[0].reshape(-1)[0])
            for window in windows[:, -word.frames :].astype(np.float32)
        ]

    def new_stream(
        self,
        names: list[str] | None,
        threshold: float,
        refractory_seconds: float,
        steps_per_run: int = 1,
    ) -> WakeWordStream:
        return WakeWordStream(self, names, threshold, refractory_seconds, steps_per_run)

    def warm_up(self) -> None:
        stream = self.new_stream(None, 1.1, 0.0)
        stream.process(np.zeros(STEP_SAMPLES * 2, dtype=np.int16))


class WakeWordStream:
    """One client's audio stream: call `process` with 16 kHz int16 samples in order.

    With `steps_per_run` above 1 the models run once every that many steps, on all of them
    at once: each model call costs a fixed part on top of its work (a cold cache, the
    runtime's own overhead), so a stream that answers a little later costs less. The scores
    are those of one step at a time.
    """

    def __init__(
        self,
        models: WakeWordModels,
        names: list[str] | None,
        threshold: float,
        refractory_seconds: float,
        steps_per_run: int = 1,
    ) -> None:
        self._models = models
        self.words = [models.words[n] for n in (names or list(models.words))]
        self.threshold = threshold  # may change at any time (a household's sensitivity)
        self._refractory_steps = round(refractory_seconds * 16_000 / STEP_SAMPLES)
        self.run_samples = STEP_SAMPLES * steps_per_run
        self._history = max((w.frames for w in self.words), default=16)
        self._pending: np.ndarray = np.zeros(0, dtype=np.int16)
        self._context: np.ndarray = np.zeros(_MEL_CONTEXT, dtype=np.int16)
        # The embeddings the newest run's steps score, each with the `history` before it.
        self._embeddings = np.tile(models.initial_embedding, (self._history + steps_per_run - 1, 1))
        # Enough mel frames to compute each of those embeddings again.
        self._mel = np.tile(
            models.initial_mel[:1],
            (_MEL_FRAMES + _MEL_FRAMES_PER_STEP * (len(self._embeddings) - 1), 1),
        )
        self._stale = 0  # newest steps whose embeddings are not computed yet
        self._listen_steps = self._history + -(-_MEL_FRAMES // _MEL_FRAMES_PER_STEP)
        self._since_audible = self._listen_steps
        self._steps = 0
        self._quiet_until: dict[str, int] = {}
        self.best_scores: dict[str, float] = {w.name: 0.0 for w in self.words}
        self._peaks: dict[str, WakeHit] = {}  # a rise above NEAR_MISS_SCORE, not yet over
        self.near_misses: list[WakeHit] = []  # the caller takes them (take_near_misses)

    @property
    def buffered(self) -> int:
        """Samples waiting for the next run of the models."""
        return self._pending.size

    def take_near_misses(self) -> list[WakeHit]:
        """The near misses finished since the last call."""
        misses, self.near_misses = self.near_misses, []
        return misses

    def process(self, samples: np.ndarray) -> list[WakeHit]:
        """Feed samples; return the wake words they complete."""
        if samples.size:
            self._pending = np.concatenate((self._pending, samples))
        hits: list[WakeHit] = []
        while self._pending.size >= self.run_samples:
            run, self._pending = (
                self._pending[: self.run_samples],
                self._pending[self.run_samples :],
            )
            hits.extend(self._run(run))
        return hits

    def flush(self) -> list[WakeHit]:
        """The audio ended: the whole steps still waiting for a run are scored."""
        whole = self._pending.size - self._pending.size % STEP_SAMPLES
        if not whole:
            return []
        run, self._pending = self._pending[:whole], self._pending[whole:]
        return self._run(run)

    def _run(self, audio: np.ndarray) -> list[WakeHit]:
        """Score whole steps of audio: the mel frames of each (every step, as a quiet one
        decides whether the next are heard), then the embeddings and scores they need."""
        models = self._models
        due: list[int] = []  # the steps to score, by number
        for start in range(0, audio.size, STEP_SAMPLES):
            step = audio[start : start + STEP_SAMPLES]
            new_mel = models.mel(np.concatenate((self._context, step)))
            self._context = step[-_MEL_CONTEXT:]
            self._mel = np.concatenate((self._mel, new_mel))[-len(self._mel) :]
            self._steps += 1
            self._stale = min(self._stale + 1, len(self._embeddings))
            audible = float(np.sqrt(np.mean(step.astype(np.float32) ** 2))) >= _AUDIBLE_RMS
            self._since_audible = 0 if audible else self._since_audible + 1
            if self._since_audible < self._listen_steps and self._steps > _WARMUP_STEPS:
                due.append(self._steps)
        if not due:
            return []
        self._catch_up()
        total = len(self._embeddings)
        windows = np.stack(
            [
                self._embeddings[total - self._history - back : total - back]
                for back in (self._steps - number for number in due)
            ]
        )
        scores = {word.name: models.scores(word, windows) for word in self.words}
        hits = []
        for index, number in enumerate(due):
            timestamp_ms = number * STEP_SAMPLES * 1000 // 16_000
            for word in self.words:
                hit = self._judge(word.name, scores[word.name][index], number, timestamp_ms)
                if hit is not None:
                    hits.append(hit)
        return hits

    def _catch_up(self) -> None:
        """Embeddings for the stale steps, from the kept mel frames, in one model run."""
        end = len(self._mel)
        windows = np.stack(
            [
                self._mel[
                    end - _MEL_FRAMES - _MEL_FRAMES_PER_STEP * back : end
                    - _MEL_FRAMES_PER_STEP * back
                ]
                for back in range(self._stale - 1, -1, -1)
            ]
        )
        self._embeddings = np.concatenate((self._embeddings, self._models.embed(windows)))[
            -len(self._embeddings) :
        ]
        self._stale = 0

    def _judge(self, name: str, score: float, number: int, timestamp_ms: int) -> WakeHit | None:
        """A step's score for one word: a wake, or nothing (a near miss is followed)."""
        self.best_scores[name] = max(self.best_scores[name], score)
        self._follow_peak(name, score, number, timestamp_ms)
        if score < self.threshold or number < self._quiet_until.get(name, 0):
            return None
        self._quiet_until[name] = number + self._refractory_steps
        self._peaks.pop(name, None)  # it woke: not a miss
        return WakeHit(name, score, timestamp_ms)

    def _follow_peak(self, name: str, score: float, number: int, timestamp_ms: int) -> None:
        """Keep the highest score of a rise; a rise that ends below the threshold is a miss."""
        peak = self._peaks.get(name)
        if score >= NEAR_MISS_SCORE:
            if peak is None or score > peak.score:
                self._peaks[name] = WakeHit(name, score, timestamp_ms, accepted=False)
        elif peak is not None:
            del self._peaks[name]
            if peak.score < self.threshold and number >= self._quiet_until.get(name, 0):
                self.near_misses.append(peak)
