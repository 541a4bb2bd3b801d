"""The satellite's answer to `describe`: its wake words, microphone, speaker and state."""

from __future__ import annotations

from typing import Any

from wyoming.audio import AudioFormat
from wyoming.event import Event
from wyoming.info import Attribution, Info, MicProgram, SndProgram, WakeModel, WakeProgram
from wyoming.info import Satellite as SatelliteInfo

from indoor_voice_link.protocol import MUTED, VOLUME, WAKE_SENSITIVITY
from indoor_voice_link.protocol import STOP_WORDS as STOP_WORDS_KEY
from indoor_voice_models.catalog import PROJECT

from . import __version__
from .audio import MIC_FORMAT
from .settings import SatelliteSettings
from .stop_word import WORDS as STOP_WORDS

_ATTRIBUTION = Attribution(*PROJECT)


def satellite_info(
    settings: SatelliteSettings,
    phrases: dict[str, str],
    active_wake_words: list[str],
    snd_format: AudioFormat,
    *,
    muted: bool,
    volume: float,
    wake_sensitivity: str,
) -> Event:
    def artifact(name: str, description: str) -> dict[str, Any]:
        return {
            "name": name,
            "attribution": _ATTRIBUTION,
            "installed": True,
            "description": description,
            "version": __version__,
        }

    info = Info(
        wake=[
            WakeProgram(
                **artifact("indoor-voice-satellite", "openWakeWord on the satellite"),
                models=[
                    WakeModel(**artifact(name, phrase), languages=["en"], phrase=phrase)
                    for name, phrase in phrases.items()
                ],
            )
        ],
        mic=[MicProgram(**artifact("microphone", "microphone"), mic_format=MIC_FORMAT)],
        snd=[SndProgram(**artifact("speaker", "speaker"), snd_format=snd_format)],
        satellite=SatelliteInfo(
            **artifact(settings.name, "Indoor Voice satellite"),
            area=settings.area,
            has_vad=False,
            active_wake_words=list(active_wake_words),
            max_active_wake_words=len(phrases),
            supports_trigger=False,
        ),
    )
    event = info.event()
    event.data["satellite"][MUTED] = muted
    event.data["satellite"][VOLUME] = volume
    event.data["satellite"][WAKE_SENSITIVITY] = wake_sensitivity
    event.data["satellite"][STOP_WORDS_KEY] = list(STOP_WORDS) if settings.stop_word else []
    return event
