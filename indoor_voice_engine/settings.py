"""What the engine's command line decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indoor_voice_models.catalog import ModelKind
from indoor_voice_models.wake_words import WAKE_REFRACTORY_SECONDS, WAKE_THRESHOLD

from .limits import Limits


@dataclass
class EngineSettings:
    """Everything the engine's command line decides."""

    uri: str = "tcp://127.0.0.1:10400"
    data_dirs: list[Path] = field(default_factory=list)
    offline: bool = False
    stt_model: str | None = None
    stt_multilingual_model: str | None = None
    voices: list[str] = field(default_factory=list)
    piper_voices: Path | None = None
    wake_words: list[str] = field(default_factory=list)
    disabled: set[ModelKind] = field(default_factory=set)
    threads: int = 2
    stt_workers: int = 1
    beam_size: int = 1
    wake_threshold: float = WAKE_THRESHOLD
    wake_refractory: float = WAKE_REFRACTORY_SECONDS
    zeroconf: bool = False
    zeroconf_name: str | None = None
    limits: Limits = field(default_factory=Limits)
