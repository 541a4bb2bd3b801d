"""Which Piper voice speaks: the one named, else one of the language asked for, else the
default. A voice of Piper's list that is not loaded yet is loaded from the data dirs, or
downloaded (verified, unless --offline) the first time a client asks for it or its
language; loading runs in a thread, so the event loop and the other clients go on.

A language with no voice here gets a clear error naming what is missing, never the default
voice reading another language's text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indoor_voice_models.catalog import ModelKind, ModelSpec, find_spec
from indoor_voice_models.download import ModelError, ensure, folder, locate
from indoor_voice_models.piper_voices import voice_specs, voices_for_language

from .requests import BadRequest
from .tts import TextToSpeech, Voice

_LOGGER = logging.getLogger(__name__)

Load = Callable[[Path, ModelSpec], Voice]
"""Loads and warms up a voice from its folder (blocking: runs in a thread)."""


@dataclass(frozen=True)
class Advertised:
    """A voice as `describe` tells it: loaded (with its speakers) or only in the catalog."""

    name: str
    spec: ModelSpec | None
    voice: Voice | None
    installed: bool


class Voices:
    """The loaded voices, and Piper's list to load or download more from."""

    def __init__(
        self, tts: TextToSpeech, *, data_dirs: list[Path], offline: bool, load: Load
    ) -> None:
        self.tts = tts
        self._data_dirs = data_dirs
        self._offline = offline
        self._load = load
        self._loading = asyncio.Lock()

    def advertised(self) -> list[Advertised]:
        """Loaded voices, then installed ones, then (unless offline) the rest of the list."""
        voices = [
            Advertised(v.name, find_spec(ModelKind.TTS, v.name), v, True)
            for v in self.tts.voices.values()
        ]
        for name, spec in voice_specs().items():
            if name in self.tts.voices:
                continue
            installed = locate(spec, self._data_dirs) is not None
            if installed or not self._offline:
                voices.append(Advertised(name, spec, None, installed))
        return voices

    async def voice(self, name: str | None, language: str | None) -> Voice:
        """The voice to speak with (loaded or downloaded now), or BadRequest saying why not."""
        if (voice := self.tts.find(name, language)) is not None:
            return voice
        spec = self._spec(name, language)
        async with self._loading:
            if (voice := self.tts.find(name, language)) is None:
                voice = await asyncio.to_thread(self._fetch_and_load, spec)
                self.tts.add(voice)
        return voice

    def _spec(self, name: str | None, language: str | None) -> ModelSpec:
        """The catalog voice to load for this request (BadRequest if there is none)."""
        if name:
            spec = find_spec(ModelKind.TTS, name)
            if spec is None:
                raise BadRequest(
                    "unknown-model",
                    f"unknown voice {name!r}; installed: {', '.join(self.tts.voices)}",
                )
            return self._allowed(spec, f"the voice {name!r}")
        assert language is not None  # without either, find() gives the default voice
        choices = voices_for_language(language)
        if not choices:
            raise BadRequest(
                "unsupported-language",
                f"no Piper voice speaks the language {language!r}; "
                f"installed: {', '.join(self.tts.voices)}",
            )
        installed = [s for s in choices if locate(s, self._data_dirs) is not None]
        return self._allowed((installed or choices)[0], f"a voice for {language!r}")

    def _allowed(self, spec: ModelSpec, what: str) -> ModelSpec:
        if self._offline and locate(spec, self._data_dirs) is None:
            where = folder(self._data_dirs[0], spec) if self._data_dirs else "a --data-dir"
            raise BadRequest(
                "model-not-installed",
                f"{what} needs {spec.name!r}, which is not installed (in {where}), "
                "and --offline forbids downloading it",
            )
        return spec

    def _fetch_and_load(self, spec: ModelSpec) -> Voice:
        try:
            directory = ensure(spec, self._data_dirs, offline=self._offline)
            _LOGGER.info("Loading the voice %s", spec.name)
            return self._load(directory, spec)
        except ModelError as err:
            raise BadRequest("model-unavailable", str(err)) from err
