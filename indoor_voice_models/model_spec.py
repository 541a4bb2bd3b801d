"""What a model is: its kind, its files (each with where it comes from and its digest) and
who made it. The catalog (catalog.py) and Piper's list of voices (piper_voices.py) are made
of these."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ModelKind(StrEnum):
    """What a model is for; also the name of its folder in a data dir."""

    STT = "stt"
    TTS = "tts"
    WAKE = "wake"


@dataclass(frozen=True)
class ModelFile:
    """One file of a model and where it comes from, with at least one digest."""

    name: str
    url: str
    sha256: str = ""
    size: int | None = None
    md5: str = ""

    def __post_init__(self) -> None:
        if not (len(self.sha256) == 64 or len(self.md5) == 32):
            raise ValueError(f"{self.name}: a SHA-256 or an MD5 digest is needed")


@dataclass(frozen=True)
class ModelSpec:
    """A model: what it is, who made it, and the files it is made of."""

    name: str
    kind: ModelKind
    files: tuple[ModelFile, ...]
    languages: tuple[str, ...]
    description: str
    attribution: tuple[str, str]
    version: str
    phrase: str | None = None
    aliases: tuple[str, ...] = field(default=())

    @property
    def multilingual(self) -> bool:
        """A speech model for every language Whisper knows (the engine has their list)."""
        return self.languages == MULTILINGUAL


MULTILINGUAL: tuple[str, ...] = ("*",)
"""The languages of a multilingual Whisper: all of Whisper's (the engine asks the model)."""

HUGGING_FACE = "https://huggingface.co"
