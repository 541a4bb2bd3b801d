"""The engine's answer to Wyoming's `describe`: only what is installed and loaded."""

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

from indoor_voice_models.catalog import PROJECT, ModelKind, ModelSpec, find_spec

from . import __version__
from .engine import Engine
from .tts import Voice

PROGRAM = "indoor-voice"
_ATTRIBUTION = Attribution(*PROJECT)


def engine_info(engine: Engine) -> Info:
    """The `info` answer to `describe`: only what is installed and loaded."""
    asr = []
    if engine.stt is not None:
        asr.append(
            AsrProgram(
                **_program("Indoor Voice speech-to-text (faster-whisper)"),
                models=[
                    AsrModel(
                        name=engine.stt.name,
                        description=engine.stt_model.description
                        if engine.stt_model
                        else engine.stt.name,
                        attribution=_spec_attribution(engine.stt_model),
                        installed=True,
                        version=engine.stt_model.version if engine.stt_model else None,
                        languages=list(engine.stt.languages),
                    )
                ],
            )
        )
    tts = []
    if engine.tts is not None:
        tts.append(
            TtsProgram(
                **_program("Indoor Voice text-to-speech (Piper)"),
                supports_synthesize_streaming=True,
                voices=[_voice_info(v) for v in engine.tts.voices.values()],
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


def _voice_info(voice: Voice) -> TtsVoice:
    spec = find_spec(ModelKind.TTS, voice.name)
    return TtsVoice(
        name=voice.name,
        description=voice.description,
        attribution=_spec_attribution(spec),
        installed=True,
        version=spec.version if spec else None,
        languages=list(voice.languages),
        speakers=[TtsVoiceSpeaker(name=s) for s in voice.speakers] or None,
    )
