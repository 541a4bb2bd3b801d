"""Which wake word models to load, and loading them: the one way both programs do it.

A wake word comes from the catalog (its name, its phrase) or from an `.onnx` file named on
the command line (hey_jarvis_v0.1.onnx stands for `hey_jarvis`, said "Hey Jarvis"). Either
way it needs openWakeWord's two feature models (`WAKE_FEATURES`) beside the classifiers.
"""

from __future__ import annotations

import argparse
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import WAKE_FEATURES, ModelSpec, wake_specs
from .download import ModelError
from .wake import WakeWordModels
from .wake_head import HEAD_FILE, HEAD_WORD, load_head

_LOGGER = logging.getLogger(__name__)

WAKE_THRESHOLD = 0.5  # the score that counts as a detection
WAKE_REFRACTORY_SECONDS = 2.0  # before the same wake word fires again

# A household's wake sensitivity (the satellite's select in Home Assistant): the threshold
# each level sets. "default" is the command line's --wake-threshold. README ("Wake
# sensitivity") has each level's measured effect on heard wake words and false wakes.
WAKE_SENSITIVITY_THRESHOLDS: dict[str, float] = {"relaxed": 0.25, "strict": 0.75}
DEFAULT_SENSITIVITY = "default"


def sensitivity_threshold(level: str, default_threshold: float) -> float:
    """The threshold for a sensitivity level; KeyError for an unknown one."""
    if level == DEFAULT_SENSITIVITY:
        return default_threshold
    return WAKE_SENSITIVITY_THRESHOLDS[level]


def add_wake_arguments(parser: argparse.ArgumentParser) -> None:
    """The detection settings both programs take on their command line."""
    parser.add_argument(
        "--wake-threshold",
        type=float,
        default=WAKE_THRESHOLD,
        help="wake word score that counts as a detection",
    )
    parser.add_argument(
        "--wake-refractory",
        type=float,
        default=WAKE_REFRACTORY_SECONDS,
        help="seconds before the same wake word fires again",
    )


_VERSION_SUFFIX = re.compile(r"_v\d+(\.\d+)*$")


class WakeModelsMissing(ModelError):
    """The openWakeWord models are not where the program looks."""


@dataclass(frozen=True)
class WakeWordSource:
    """One wake word classifier to load: its name, phrase and file, and its catalog entry."""

    name: str
    phrase: str
    path: Path
    spec: ModelSpec | None = None

    @classmethod
    def from_catalog(cls, spec: ModelSpec, folder: Path) -> WakeWordSource:
        assert spec.phrase is not None, spec.name
        return cls(spec.name, spec.phrase, folder / spec.files[0].name, spec)

    @classmethod
    def from_file(cls, path: Path) -> WakeWordSource:
        name = wake_word_name(path)
        return cls(name, name.replace("_", " ").title(), path)


@dataclass(frozen=True)
class WakeWords:
    """Loaded models, and where each wake word came from."""

    models: WakeWordModels
    sources: dict[str, WakeWordSource] = field(default_factory=dict)

    @property
    def phrases(self) -> dict[str, str]:
        """The phrase each wake word name stands for."""
        return {name: source.phrase for name, source in self.sources.items()}


def wake_word_name(model: Path) -> str:
    """The name a wake word model file stands for: hey_jarvis_v0.1.onnx -> hey_jarvis."""
    return _VERSION_SUFFIX.sub("", model.stem)


def installed_wake_words(folder: Path) -> list[WakeWordSource]:
    """Every catalog wake word whose model file is in `folder`."""
    return [
        source
        for spec in wake_specs()
        if (source := WakeWordSource.from_catalog(spec, folder)).path.is_file()
    ]


def load_wake_words(features_folder: Path, sources: list[WakeWordSource]) -> WakeWords:
    """Load the feature models from `features_folder` and the given classifiers."""
    features = [features_folder / file.name for file in WAKE_FEATURES.files]
    if missing := [str(path) for path in features if not path.is_file()]:
        raise WakeModelsMissing(f"openWakeWord feature models not found: {', '.join(missing)}")
    if not sources:
        raise WakeModelsMissing(f"no wake word model in {features_folder}")
    heads = {}
    if any(source.name == HEAD_WORD for source in sources):
        head = load_head(features_folder)
        if head is None:
            _LOGGER.warning(
                "No wake word head in %s (python -m indoor_voice_models.train_wake makes it): "
                "%s is heard by openWakeWord's classifier alone, which misses some accents",
                features_folder / HEAD_FILE,
                HEAD_WORD,
            )
        else:
            heads[HEAD_WORD] = head
    models = WakeWordModels(
        features[0],
        features[1],
        {source.name: (source.path, source.phrase) for source in sources},
        heads,
    )
    return WakeWords(models, {source.name: source for source in sources})
