"""The loaded speech engines, their worker pools, and what they advertise."""

from __future__ import annotations

import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from wyoming.info import (
    AsrModel,
    AsrProgram,
    Attribution,
    Info,
    TtsProgram,
    TtsVoice,
    TtsVoiceSpeaker,
    WakeModel,
    WakeProgram,
)

from . import __version__
from .catalog import (
    CATALOG,
    DEFAULT_STT_MODELS,
    DEFAULT_VOICE,
    WAKE_FEATURES,
    Kind,
    ModelSpec,
    find_spec,
    wake_specs,
)
from .limits import Limits
from .models import ModelError, ensure, locate
from .stt import SpeechToText
from .tts import TextToSpeech, Voice, load_voice
from .wake import WakeWordModels

_LOGGER = logging.getLogger(__name__)

PROGRAM = "indoor-voice"
_ATTRIBUTION = Attribution(name="Indoor Voice", url="https://github.com/indoor-voice/indoor-voice")
_VERSION_SUFFIX = re.compile(r"_v\d+(\.\d+)*$")


@dataclass
class Settings:
    """Everything the command line decides."""

    uri: str = "tcp://127.0.0.1:10400"
    data_dirs: list[Path] = field(default_factory=list)
    offline: bool = False
    stt_model: str | None = None
    voices: list[str] = field(default_factory=list)
    wake_words: list[str] = field(default_factory=list)
    disabled: set[Kind] = field(default_factory=set)
    threads: int = 2
    stt_workers: int = 1
    beam_size: int = 1
    wake_threshold: float = 0.5
    wake_refractory: float = 2.0
    zeroconf: bool = False
    zeroconf_name: str | None = None
    limits: Limits = field(default_factory=Limits)


@dataclass
class Engine:
    """What a connection handler needs: models, pools, limits."""

    settings: Settings
    stt: SpeechToText | None
    stt_model: ModelSpec | None
    tts: TextToSpeech | None
    wake: WakeWordModels | None
    wake_specs: dict[str, ModelSpec | None]
    stt_pool: ThreadPoolExecutor
    tts_pool: ThreadPoolExecutor
    wake_pool: ThreadPoolExecutor

    @property
    def limits(self) -> Limits:
        return self.settings.limits

    def info(self) -> Info:
        """The `info` answer to `describe`: only what is installed and loaded."""
        asr = []
        if self.stt is not None:
            asr.append(
                AsrProgram(
                    name=PROGRAM,
                    description="Indoor Voice speech-to-text (faster-whisper)",
                    attribution=_ATTRIBUTION,
                    installed=True,
                    version=__version__,
                    models=[
                        AsrModel(
                            name=self.stt.name,
                            description=self.stt_model.description
                            if self.stt_model
                            else self.stt.name,
                            attribution=_spec_attribution(self.stt_model),
                            installed=True,
                            version=self.stt_model.version if self.stt_model else None,
                            languages=list(self.stt.languages),
                        )
                    ],
                )
            )
        tts = []
        if self.tts is not None:
            tts.append(
                TtsProgram(
                    name=PROGRAM,
                    description="Indoor Voice text-to-speech (Piper)",
                    attribution=_ATTRIBUTION,
                    installed=True,
                    version=__version__,
                    supports_synthesize_streaming=True,
                    voices=[_voice_info(v) for v in self.tts.voices.values()],
                )
            )
        wake = []
        if self.wake is not None:
            wake.append(
                WakeProgram(
                    name=PROGRAM,
                    description="Indoor Voice wake word detection (openWakeWord)",
                    attribution=_ATTRIBUTION,
                    installed=True,
                    version=__version__,
                    models=[
                        WakeModel(
                            name=word.name,
                            description=word.phrase,
                            phrase=word.phrase,
                            attribution=_spec_attribution(self.wake_specs.get(word.name)),
                            installed=True,
                            version=spec.version
                            if (spec := self.wake_specs.get(word.name))
                            else None,
                            languages=["en"],
                        )
                        for word in self.wake.words.values()
                    ],
                )
            )
        return Info(asr=asr, tts=tts, wake=wake)

    def close(self) -> None:
        for pool in (self.stt_pool, self.tts_pool, self.wake_pool):
            pool.shutdown(wait=True, cancel_futures=True)


def _spec_attribution(spec: ModelSpec | None) -> Attribution:
    if spec is None:
        return Attribution(name="local file", url="")
    return Attribution(name=spec.attribution[0], url=spec.attribution[1])


def _voice_info(voice: Voice) -> TtsVoice:
    spec = find_spec(Kind.TTS, voice.name)
    return TtsVoice(
        name=voice.name,
        description=voice.description,
        attribution=_spec_attribution(spec),
        installed=True,
        version=spec.version if spec else None,
        languages=list(voice.languages),
        speakers=[TtsVoiceSpeaker(name=s) for s in voice.speakers] or None,
    )


def _resolve(kind: Kind, value: str, settings: Settings) -> tuple[Path, ModelSpec | None]:
    """A model given by path, or by catalog name (found or downloaded)."""
    path = Path(value).expanduser()
    if path.exists():
        return path, None
    spec = find_spec(kind, value)
    if spec is None:
        known = ", ".join(s.name for s in CATALOG if s.kind == kind)
        raise ModelError(
            f"unknown {kind.value} model {value!r}: not a path, and not one of {known}"
        )
    return ensure(spec, settings.data_dirs, offline=settings.offline), spec


def _load_stt(settings: Settings) -> tuple[SpeechToText, ModelSpec | None]:
    choice = settings.stt_model
    if choice is None:
        present = [n for n in DEFAULT_STT_MODELS if locate(_spec(Kind.STT, n), settings.data_dirs)]
        choice = present[0] if present else DEFAULT_STT_MODELS[-1]
    directory, spec = _resolve(Kind.STT, choice, settings)
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


def _spec(kind: Kind, name: str) -> ModelSpec:
    spec = find_spec(kind, name)
    assert spec is not None, name
    return spec


def _load_tts(settings: Settings) -> TextToSpeech:
    voices = []
    for choice in settings.voices or [DEFAULT_VOICE]:
        location, spec = _resolve(Kind.TTS, choice, settings)
        if spec is not None:
            model = location / spec.files[0].name
            voices.append(load_voice(model, spec.name, spec.description, settings.threads))
        elif location.suffix == ".onnx":
            voices.append(load_voice(location, location.stem, location.stem, settings.threads))
        else:
            raise ModelError(f"{location} is not a Piper voice (.onnx with a .onnx.json beside it)")
    return TextToSpeech(voices)


def _load_wake(settings: Settings) -> tuple[WakeWordModels, dict[str, ModelSpec | None]]:
    features = ensure(WAKE_FEATURES, settings.data_dirs, offline=settings.offline)
    choices = settings.wake_words or [
        spec.name for spec in wake_specs() if locate(spec, settings.data_dirs)
    ]
    if not choices:
        if settings.offline:
            raise ModelError(
                "no wake word model is installed and --offline forbids downloading one"
            )
        choices = ["hey_jarvis"]
    classifiers: dict[str, tuple[Path, str]] = {}
    specs: dict[str, ModelSpec | None] = {}
    for choice in choices:
        location, spec = _resolve(Kind.WAKE, choice, settings)
        if spec is not None:
            assert spec.phrase is not None
            classifiers[spec.name] = (location / spec.files[0].name, spec.phrase)
        else:
            name = _VERSION_SUFFIX.sub("", location.stem)
            classifiers[name] = (location, name.replace("_", " ").title())
        specs[spec.name if spec else name] = spec
    models = WakeWordModels(
        features / WAKE_FEATURES.files[0].name, features / WAKE_FEATURES.files[1].name, classifiers
    )
    return models, specs


def load(settings: Settings) -> Engine:
    """Find (or download) and load every enabled model, then warm them up."""
    started = time.monotonic()
    stt, stt_spec = (None, None) if Kind.STT in settings.disabled else _load_stt(settings)
    tts = None if Kind.TTS in settings.disabled else _load_tts(settings)
    wake, specs = (None, {}) if Kind.WAKE in settings.disabled else _load_wake(settings)
    if stt is None and tts is None and wake is None:
        raise ModelError("every service is disabled; nothing to serve")
    for part in (stt, tts, wake):
        if part is not None:
            part.warm_up()
    _LOGGER.info(
        "Loaded and warmed up in %.1f s: stt=%s, voices=%s, wake words=%s",
        time.monotonic() - started,
        stt.name if stt else "off",
        ",".join(tts.voices) if tts else "off",
        ",".join(wake.words) if wake else "off",
    )
    return Engine(
        settings=settings,
        stt=stt,
        stt_model=stt_spec,
        tts=tts,
        wake=wake,
        wake_specs=specs,
        stt_pool=ThreadPoolExecutor(settings.stt_workers, thread_name_prefix="stt"),
        tts_pool=ThreadPoolExecutor(1, thread_name_prefix="tts"),
        wake_pool=ThreadPoolExecutor(max(1, settings.threads), thread_name_prefix="wake"),
    )
