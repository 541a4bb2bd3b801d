"""On-device wake word: the engine's openWakeWord detector, fed from the microphone."""

from __future__ import annotations

import asyncio
import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indoor_voice_engine.catalog import WAKE_FEATURES, wake_specs
from indoor_voice_engine.wake import STEP_SAMPLES, Detection, WakeWordModels

_VERSION_SUFFIX = re.compile(r"_v\d+(\.\d+)*$")
_LEVEL_WINDOW = 16 * STEP_SAMPLES  # the audio the classifiers judged: 16 steps, 1.28 s
_SILENCE_DBFS = -96.0  # the floor of 16-bit audio


class WakeModelsMissing(Exception):
    """The openWakeWord models are not where the satellite looks."""


@dataclass(frozen=True)
class WakeWords:
    """Loaded models, and the phrase each wake word name stands for."""

    models: WakeWordModels
    phrases: dict[str, str]


def wake_word_name(model: Path) -> str:
    """The name a wake word model file stands for: hey_jarvis_v0.1.onnx -> hey_jarvis."""
    return _VERSION_SUFFIX.sub("", model.stem)


def load_wake_words(model_dir: Path, extra_models: list[Path]) -> WakeWords:
    """Every catalog wake word found in `model_dir`, plus any model files named explicitly."""
    features = [model_dir / file.name for file in WAKE_FEATURES.files]
    if missing := [str(path) for path in features if not path.is_file()]:
        raise WakeModelsMissing(f"openWakeWord feature models not found: {', '.join(missing)}")
    classifiers: dict[str, tuple[Path, str]] = {}
    for spec in wake_specs():
        path = model_dir / spec.files[0].name
        if path.is_file() and spec.phrase is not None:
            classifiers[spec.name] = (path, spec.phrase)
    for path in extra_models:
        name = wake_word_name(path)
        classifiers[name] = (path, name.replace("_", " ").title())
    if not classifiers:
        raise WakeModelsMissing(f"no wake word model in {model_dir}")
    models = WakeWordModels(features[0], features[1], classifiers)
    models.warm_up()
    return WakeWords(models, {name: phrase for name, (_, phrase) in classifiers.items()})


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

    async def process(self, audio: bytes) -> list[Detection]:
        samples = np.frombuffer(audio, dtype=np.int16)
        self._recent = np.concatenate((self._recent, samples))[-_LEVEL_WINDOW:]
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._stream.process, samples)

    def speech_level(self) -> float:
        """dBFS (RMS) of the last 1.28 s: how loudly the wake word reached this microphone."""
        rms = math.sqrt(float(np.mean(np.square(self._recent, dtype=np.float64))))
        if rms == 0:
            return _SILENCE_DBFS
        return round(max(_SILENCE_DBFS, 20 * math.log10(rms / 32768)), 1)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
