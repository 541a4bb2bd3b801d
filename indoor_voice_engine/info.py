"""The engine's answer to Wyoming's `describe`: the models installed (installed: true), and,
unless --offline, the ones it would download when a client first asks for their language
(installed: false; Home Assistant's own wyoming integration offers only installed ones)."""

from __future__ import annotations

from typing import Any

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

from indoor_voice_models.catalog import PROJECT, ModelSpec

from . import __version__
from .engine import Engine
from .voices import Advertised

PROGRAM = "indoor-voice"
_ATTRIBUTION = Attribution(*PROJECT)


def engine_info(engine: Engine) -> Info:
    """The `info` answer to `describe`."""
    asr = []
    if engine.stt is not None:
        asr.append(
            AsrProgram(
                **_program("Indoor Voice speech-to-text (faster-whisper)"),
                models=[
                    AsrModel(
                        name=model.name,
                        description=model.spec.description if model.spec else model.name,
                        attribution=_spec_attribution(model.spec),
                        installed=model.installed,
                        version=model.spec.version if model.spec else None,
                        languages=list(model.languages),
                    )
                    for model in engine.stt.advertised()
                ],
            )
        )
    tts = []
    if engine.tts is not None:
        tts.append(
            TtsProgram(
                **_program("Indoor Voice text-to-speech (Piper)"),
                supports_synthesize_streaming=True,
                voices=[_voice_info(v) for v in engine.tts.advertised()],
            )
        )
    wake = []
    if engine.wake is not None:
        sources = engine.wake.sources
        wake.append(
            WakeProgram(
                **_program("Indoor Voice wake word detection (openWakeWord)"),
                models=[
                    WakeModel(
                        name=word.name,
                        description=word.phrase,
                        phrase=word.phrase,
                        attribution=_spec_attribution(sources[word.name].spec),
                        installed=True,
                        version=spec.version if (spec := sources[word.name].spec) else None,
                        languages=["en"],
                    )
                    for word in engine.wake.models.words.values()
                ],
            )
        )
    return Info(asr=asr, tts=tts, wake=wake)


def _program(description: str) -> dict[str, Any]:
    """What each of the engine's programs (asr, tts, wake) says about itself."""
    return {
        "name": PROGRAM,
        "description": description,
        "attribution": _ATTRIBUTION,
        "installed": True,
        "version": __version__,
    }


def _spec_attribution(spec: ModelSpec | None) -> Attribution:
    if spec is None:
        return Attribution(name="local file", url="")
    return Attribution(name=spec.attribution[0], url=spec.attribution[1])


def _voice_info(voice: Advertised) -> TtsVoice:
    """A loaded voice as it is (its languages and speakers), another as the list has it."""
    spec, loaded = voice.spec, voice.voice
    return TtsVoice(
        name=voice.name,
        description=loaded.description if loaded else spec.description if spec else voice.name,
        attribution=_spec_attribution(spec),
        installed=voice.installed,
        version=spec.version if spec else None,
        languages=list(loaded.languages if loaded else spec.languages if spec else ()),
        speakers=[TtsVoiceSpeaker(name=s) for s in loaded.speakers] or None if loaded else None,
    )
