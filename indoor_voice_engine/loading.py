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
from indoor_voice_models.download import ModelError, ensure, locate, resolve
from indoor_voice_models.wake_words import WakeWords, WakeWordSource, load_wake_words

from .engine import Engine
from .settings import EngineSettings
from .stt import SpeechToText
from .tts import TextToSpeech, load_voice

_LOGGER = logging.getLogger(__name__)


def _resolve(
    kind: ModelKind, value: str, settings: EngineSettings
) -> tuple[Path, ModelSpec | None]:
    return resolve(kind, value, settings.data_dirs, offline=settings.offline)


def _load_stt(settings: EngineSettings) -> tuple[SpeechToText, ModelSpec | None]:
    choice = settings.stt_model
    if choice is None:
        present = [
            n for n in DEFAULT_STT_MODELS if locate(_spec(ModelKind.STT, n), settings.data_dirs)
        ]
        choice = present[0] if present else DEFAULT_STT_MODELS[-1]
    directory, spec = _resolve(ModelKind.STT, choice, settings)
    if spec is None and not (directory / "model.bin").is_file():
        raise ModelError(f"{directory} is not a faster-whisper model folder (no model.bin)")
    name = spec.name if spec else directory.name
    languages = spec.languages if spec else ("en",)
    stt = SpeechToText(
        directory,
        name=name,
        languages=languages,
        threads=settings.threads,
        workers=settings.stt_workers,
        beam_size=settings.beam_size,
    )
    return stt, spec


def _spec(kind: ModelKind, name: str) -> ModelSpec:
    spec = find_spec(kind, name)
    assert spec is not None, name
    return spec


def _load_tts(settings: EngineSettings) -> TextToSpeech:
    voices = []
    for choice in settings.voices or [DEFAULT_VOICE]:
        location, spec = _resolve(ModelKind.TTS, choice, settings)
        if spec is not None:
            model = location / spec.files[0].name
            voices.append(load_voice(model, spec.name, spec.description, settings.threads))
        elif location.suffix == ".onnx":
            voices.append(load_voice(location, location.stem, location.stem, settings.threads))
        else:
            raise ModelError(f"{location} is not a Piper voice (.onnx with a .onnx.json beside it)")
    return TextToSpeech(voices)


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
    stt, stt_spec = (None, None) if ModelKind.STT in settings.disabled else _load_stt(settings)
    tts = None if ModelKind.TTS in settings.disabled else _load_tts(settings)
    wake = None if ModelKind.WAKE in settings.disabled else _load_wake(settings)
    if stt is None and tts is None and wake is None:
        raise ModelError("every service is disabled; nothing to serve")
    for part in (stt, tts, wake.models if wake else None):
        if part is not None:
            part.warm_up()
    _LOGGER.info(
        "Loaded and warmed up in %.1f s: stt=%s, voices=%s, wake words=%s",
        time.monotonic() - started,
        stt.name if stt else "off",
        ",".join(tts.voices) if tts else "off",
        ",".join(wake.sources) if wake else "off",
    )
    return Engine(
        settings=settings,
        stt=stt,
        stt_model=stt_spec,
        tts=tts,
        wake=wake,
        stt_pool=ThreadPoolExecutor(settings.stt_workers, thread_name_prefix="stt"),
        tts_pool=ThreadPoolExecutor(1, thread_name_prefix="tts"),
        wake_pool=ThreadPoolExecutor(max(1, settings.threads), thread_name_prefix="wake"),
    )
