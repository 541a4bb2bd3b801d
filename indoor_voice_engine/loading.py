"""Finding (or downloading) the models the settings name, loading them and warming them up."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from indoor_voice_link.protocol import DEFAULT_WAKE_WORD
from indoor_voice_models.catalog import (
    DEFAULT_STT_MODELS,
    DEFAULT_VOICE,
    WAKE_FEATURES,
    ModelKind,
    ModelSpec,
    find_spec,
    wake_specs,
)
from indoor_voice_models.download import ModelError, ensure, has_any_file, locate, resolve
from indoor_voice_models.piper_voices import use_list
from indoor_voice_models.wake_words import WakeWords, WakeWordSource, load_wake_words

from .engine import Engine
from .settings import EngineSettings
from .speech_models import SpeechModels
from .stt import SpeechToText
from .tts import TextToSpeech, Voice, load_voice, warm_up
from .voices import Voices

_LOGGER = logging.getLogger(__name__)


def _resolve(
    kind: ModelKind, value: str, settings: EngineSettings
) -> tuple[Path, ModelSpec | None]:
    return resolve(kind, value, settings.data_dirs, offline=settings.offline)


def _load_stt(settings: EngineSettings) -> SpeechModels:
    choice = settings.stt_model
    if choice is None:
        specs = [_spec(ModelKind.STT, n) for n in DEFAULT_STT_MODELS]
        # Whole first; else one the household has, damaged: ensure says what is wrong with it.
        present = [s.name for s in specs if locate(s, settings.data_dirs)] or [
            s.name for s in specs if has_any_file(s, settings.data_dirs)
        ]
        choice = present[0] if present else DEFAULT_STT_MODELS[-1]
    directory, spec = _resolve(ModelKind.STT, choice, settings)
    if spec is None and not (directory / "model.bin").is_file():
        raise ModelError(f"{directory} is not a faster-whisper model folder (no model.bin)")
    main = _speech_model(settings, directory, spec.name if spec else directory.name)

    def load_another(folder: Path, other: ModelSpec) -> SpeechToText:
        model = _speech_model(settings, folder, other.name)
        model.warm_up()
        return model

    return SpeechModels(
        main,
        spec,
        multilingual=settings.stt_multilingual_model,
        data_dirs=settings.data_dirs,
        offline=settings.offline,
        load=load_another,
    )


def _speech_model(settings: EngineSettings, directory: Path, name: str) -> SpeechToText:
    return SpeechToText(
        directory,
        name=name,
        threads=settings.threads,
        workers=settings.stt_workers,
        beam_size=settings.beam_size,
    )


def _spec(kind: ModelKind, name: str) -> ModelSpec:
    spec = find_spec(kind, name)
    assert spec is not None, name
    return spec


def _load_tts(settings: EngineSettings) -> Voices:
    use_list(settings.piper_voices)
    voices = []
    for choice in settings.voices or [DEFAULT_VOICE]:
        location, spec = _resolve(ModelKind.TTS, choice, settings)
        if spec is not None:
            voices.append(_catalog_voice(settings, location, spec))
        elif location.suffix == ".onnx":
            voices.append(load_voice(location, location.stem, location.stem, settings.threads))
        else:
            raise ModelError(f"{location} is not a Piper voice (.onnx with a .onnx.json beside it)")

    def load_another(folder: Path, spec: ModelSpec) -> Voice:
        voice = _catalog_voice(settings, folder, spec)
        warm_up(voice)
        return voice

    return Voices(
        TextToSpeech(voices),
        data_dirs=settings.data_dirs,
        offline=settings.offline,
        load=load_another,
    )


def _catalog_voice(settings: EngineSettings, folder: Path, spec: ModelSpec) -> Voice:
    """A voice of the catalog speaks the languages the catalog gives it."""
    model = folder / next(f.name for f in spec.files if f.name.endswith(".onnx"))
    return load_voice(model, spec.name, spec.description, settings.threads, spec.languages)


def _load_wake(settings: EngineSettings) -> WakeWords:
    features = ensure(WAKE_FEATURES, settings.data_dirs, offline=settings.offline)
    choices = settings.wake_words or [
        spec.name for spec in wake_specs() if locate(spec, settings.data_dirs)
    ]
    if not choices:
        if settings.offline:
            raise ModelError(
                "no wake word model is installed and --offline forbids downloading one"
            )
        choices = [DEFAULT_WAKE_WORD]
    sources = []
    for choice in choices:
        location, spec = _resolve(ModelKind.WAKE, choice, settings)
        sources.append(
            WakeWordSource.from_catalog(spec, location)
            if spec is not None
            else WakeWordSource.from_file(location)
        )
    return load_wake_words(features, sources)


def load(settings: EngineSettings) -> Engine:
    """Find (or download) and load every enabled model, then warm them up."""
    started = time.monotonic()
    stt = None if ModelKind.STT in settings.disabled else _load_stt(settings)
    tts = None if ModelKind.TTS in settings.disabled else _load_tts(settings)
    wake = None if ModelKind.WAKE in settings.disabled else _load_wake(settings)
    if stt is None and tts is None and wake is None:
        raise ModelError("every service is disabled; nothing to serve")
    for part in (
        stt.main if stt else None,
        tts.tts if tts else None,
        wake.models if wake else None,
    ):
        if part is not None:
            part.warm_up()
    _LOGGER.info(
        "Loaded and warmed up in %.1f s: stt=%s, voices=%s, wake words=%s",
        time.monotonic() - started,
        stt.main.name if stt else "off",
        ",".join(tts.tts.voices) if tts else "off",
        ",".join(wake.sources) if wake else "off",
    )
    return Engine(
        settings=settings,
        stt=stt,
        tts=tts,
        wake=wake,
        stt_pool=ThreadPoolExecutor(settings.stt_workers, thread_name_prefix="stt"),
        tts_pool=ThreadPoolExecutor(1, thread_name_prefix="tts"),
        wake_pool=ThreadPoolExecutor(max(1, settings.threads), thread_name_prefix="wake"),
    )
