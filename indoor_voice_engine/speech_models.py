"""Which speech model transcribes a language: the main one when it serves that language,
else a multilingual Whisper, loaded (and downloaded, unless --offline) the first time a
client asks for such a language.

English-only models (tiny.en) never get another language: a German request goes to the
multilingual model or gets a clear error, never an English transcript of German speech.
Loading runs in a thread of its own, so the event loop and the other clients go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indoor_voice_models.catalog import MULTILINGUAL_STT_MODELS, ModelKind, ModelSpec, find_spec
from indoor_voice_models.download import ModelError, ensure, folder, locate

from .requests import BadRequest
from .stt import WHISPER_LANGUAGES, SpeechToText, whisper_language

_LOGGER = logging.getLogger(__name__)

Load = Callable[[Path, ModelSpec], SpeechToText]
"""Loads and warms up a model from its folder (blocking: runs in a thread)."""


@dataclass(frozen=True)
class Advertised:
    """A speech model as `describe` tells it: name, catalog entry, languages, installed."""

    name: str
    spec: ModelSpec | None
    languages: tuple[str, ...]
    installed: bool


class SpeechModels:
    """The main speech model, and the multilingual one for the languages it does not serve."""

    def __init__(
        self,
        main: SpeechToText,
        main_spec: ModelSpec | None,
        *,
        multilingual: str | None,
        data_dirs: list[Path],
        offline: bool,
        load: Load,
    ) -> None:
        self.main = main
        self.main_spec = main_spec
        self._data_dirs = data_dirs
        self._offline = offline
        self._load = load
        self._other: SpeechToText | None = None
        self._loading = asyncio.Lock()
        spec = None if main.multilingual else _multilingual_spec(multilingual, data_dirs)
        self.multilingual_spec = spec

    @property
    def loaded(self) -> list[SpeechToText]:
        return [m for m in (self.main, self._other) if m is not None]

    def advertised(self) -> list[Advertised]:
        """The main model; the multilingual one too, installed or (unless offline) not."""
        models = [Advertised(self.main.name, self.main_spec, self.main.languages, True)]
        spec = self.multilingual_spec
        if spec is not None:
            installed = self._other is not None or locate(spec, self._data_dirs) is not None
            if installed or not self._offline:
                models.append(Advertised(spec.name, spec, WHISPER_LANGUAGES, installed))
        return models

    def ready(self, language: str | None) -> SpeechToText | None:
        """The model for this language if it is loaded; None if it must be loaded first
        (for_language); BadRequest at once if no model here serves or could serve it."""
        if self._pick(language) is None:
            return self.main
        return self._other

    async def for_language(self, language: str | None) -> SpeechToText:
        """The model for this language, loading the multilingual one on first use."""
        spec = self._pick(language)
        if spec is None:
            return self.main
        async with self._loading:
            if self._other is None:
                self._other = await asyncio.to_thread(self._fetch_and_load, spec)
        return self._other

    def _pick(self, language: str | None) -> ModelSpec | None:
        """None for the main model; else the multilingual spec (BadRequest if none)."""
        wanted = whisper_language(language)
        if wanted is None or wanted in self.main.languages:
            return None
        served = ", ".join(self.main.languages[:5])
        if wanted not in WHISPER_LANGUAGES:
            raise BadRequest(
                "unsupported-language",
                f"no speech-to-text model serves the language {language!r} "
                f"({self.main.name} serves {served}; Whisper knows none by that code)",
            )
        spec = self.multilingual_spec
        if spec is None:
            raise BadRequest(
                "unsupported-language",
                f"speech-to-text in {language!r} needs a multilingual Whisper model; "
                f"{self.main.name} serves {served} only",
            )
        if self._other is None and self._offline and locate(spec, self._data_dirs) is None:
            where = folder(self._data_dirs[0], spec) if self._data_dirs else "a --data-dir"
            raise BadRequest(
                "model-not-installed",
                f"speech-to-text in {language!r} needs the multilingual model {spec.name!r}, "
                f"which is not installed (in {where}), and --offline forbids downloading it",
            )
        return spec

    def _fetch_and_load(self, spec: ModelSpec) -> SpeechToText:
        try:
            directory = ensure(spec, self._data_dirs, offline=self._offline)
            _LOGGER.info("Loading the multilingual speech model %s", spec.name)
            return self._load(directory, spec)
        except ModelError as err:
            raise BadRequest("model-unavailable", str(err)) from err


def _multilingual_spec(name: str | None, data_dirs: list[Path]) -> ModelSpec | None:
    """The named multilingual model; else the first installed of the defaults; else the first
    default, to be downloaded."""
    if name is not None:
        spec = find_spec(ModelKind.STT, name)
        if spec is None or not spec.multilingual:
            raise ModelError(f"{name!r} is not a multilingual speech model of the catalog")
        return spec
    specs = [find_spec(ModelKind.STT, n) for n in MULTILINGUAL_STT_MODELS]
    candidates = [s for s in specs if s is not None]
    installed = [s for s in candidates if locate(s, data_dirs) is not None]
    return (installed or candidates)[0]
