"""What the satellite's command line decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indoor_voice_link.protocol import DEFAULT_WAKE_WORD
from indoor_voice_models.wake_words import WAKE_REFRACTORY_SECONDS, WAKE_THRESHOLD

from .leds import Look

DEFAULT_MIC_COMMAND = "arecord -q -r 16000 -c 1 -f S16_LE -t raw"
DEFAULT_SND_COMMAND = "aplay -q -r {rate} -c {channels} -f S16_LE -t raw"
DEFAULT_URI = "tcp://0.0.0.0:10700"


@dataclass
class SatelliteSettings:
    """Everything the satellite's command line decides."""

    data_dir: Path
    name: str
    area: str | None = None
    uri: str = DEFAULT_URI
    mic_command: str = DEFAULT_MIC_COMMAND
    snd_command: str = DEFAULT_SND_COMMAND
    snd_rate: int = 22_050
    snd_channels: int = 1
    wake_words: list[str] = field(default_factory=lambda: [DEFAULT_WAKE_WORD])
    wake_model_dir: Path | None = None  # None: <data_dir>/wake
    extra_wake_models: list[Path] = field(default_factory=list)
    wake_threshold: float = WAKE_THRESHOLD
    wake_refractory: float = WAKE_REFRACTORY_SECONDS
    max_command_seconds: float = 15.0
    awake_sound: Path | None = None
    done_sound: Path | None = None
    ring_seconds: float = 300.0  # a finished timer rings at most this long
    stop_word: bool = True
    led_commands: dict[Look, str] = field(default_factory=dict)
    zeroconf: bool = False
