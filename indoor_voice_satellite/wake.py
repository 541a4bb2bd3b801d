"""On-device wake word: the shared openWakeWord runtime, fed from the microphone."""

from __future__ import annotations

import asyncio
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from indoor_voice_link.wake_print import WakePrint
from indoor_voice_models.catalog import WAKE_FEATURES, ModelKind, find_spec, wake_specs
from indoor_voice_models.download import ModelError, ensure
from indoor_voice_models.wake import STEP_SAMPLES, WakeHit
from indoor_voice_models.wake_words import (
    WakeWords,
    WakeWordSource,
    installed_wake_words,
    load_wake_words,
)

from .wake_print import wake_print

_LEVEL_WINDOW = 16 * STEP_SAMPLES  # the audio the classifiers judged: 16 steps, 1.28 s
_SILENCE_DBFS = -96.0  # the floor of 16-bit audio


class WakeListener:
    """Scores the microphone stream for the active wake words, off the event loop.

    It also keeps the last 1.28 s of audio, to tell how loud the wake word was.
    """

    def __init__(
        self, wake_words: WakeWords, active: list[str], threshold: float, refractory: float
    ) -> None:
        self._models = wake_words.models
        self._threshold = threshold
        self._refractory = refractory
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="wake")
        self._recent: np.ndarray = np.zeros(_LEVEL_WINDOW, dtype=np.int16)
        self.active = active
        self._stream = self._models.new_stream(active, threshold, refractory)

    def set_active(self, names: list[str]) -> None:
        self.active = names
        self.restart()

    def restart(self) -> None:
        """Forget what was heard so far."""
        self._stream = self._models.new_stream(self.active, self._threshold, self._refractory)

    @property
    def threshold(self) -> float:
        return self._threshold

    def set_threshold(self, threshold: float) -> None:
        """From the next 80 ms on, without forgetting what was heard."""
        self._threshold = threshold
        self._stream.threshold = threshold

    async def process(self, audio: bytes) -> tuple[list[WakeHit], list[WakeHit]]:
        """The wake words this audio completes, and the near misses it ends."""
        samples = np.frombuffer(audio, dtype=np.int16)
        self._recent = np.concatenate((self._recent, samples))[-_LEVEL_WINDOW:]
        loop = asyncio.get_running_loop()
        stream = self._stream
        hits = await loop.run_in_executor(self._pool, stream.process, samples)
        return hits, stream.take_near_misses()

    def speech_level(self) -> float:
        """dBFS (RMS) of the last 1.28 s: how loudly the wake word reached this microphone."""
        rms = math.sqrt(float(np.mean(np.square(self._recent, dtype=np.float64))))
        if rms == 0:
            return _SILENCE_DBFS
        return round(max(_SILENCE_DBFS, 20 * math.log10(rms / 32768)), 1)

    def fingerprint(self) -> WakePrint:
        """The last 1.28 s's loudness and pitch: to tell this wake word, heard in other rooms
        too, from another person's at the same moment (nothing of the audio itself)."""
        return wake_print(self._recent)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def load_wake_words_from(folder: Path, extra_models: list[Path]) -> WakeWords:
    """Every catalog wake word found in `folder`, plus any model files named explicitly."""
    sources = installed_wake_words(folder) + [WakeWordSource.from_file(p) for p in extra_models]
    wake_words = load_wake_words(folder, sources)
    wake_words.models.warm_up()
    return wake_words


def download_wake_models(data_dir: Path, names: list[str]) -> None:
    """The feature models and the named wake words, into DATA_DIR/wake (`--download-models`)."""
    specs = [WAKE_FEATURES]
    for name in names:
        spec = find_spec(ModelKind.WAKE, name)
        if spec is None:
            known = ", ".join(s.name for s in wake_specs())
            raise ModelError(f"unknown wake word {name!r}; known: {known}")
        specs.append(spec)
    for spec in specs:
        ensure(spec, [data_dir], offline=False)
