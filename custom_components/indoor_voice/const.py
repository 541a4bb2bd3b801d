"""Constants for Indoor Voice."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from wyoming.audio import AudioFormat

DOMAIN: Final = "indoor_voice"

DEFAULT_ENGINE_PORT: Final = 10400
ENGINE_PROGRAM: Final = "indoor-voice"  # our engine's Wyoming program name
SATELLITE_ZEROCONF_TYPE: Final = "_indoor-voice._tcp.local."
PIPELINE_NAME: Final = "Indoor Voice (local)"
# A satellite listens for at most this many wake words at once, each with its own pipeline
# (as Home Assistant's own satellites do since 2025.10: two languages in one home).
MAX_ACTIVE_WAKE_WORDS: Final = 2

CONF_KIND: Final = "kind"
CONF_FINGERPRINT: Final = "fingerprint"
CONF_PAIRING_CODE: Final = "pairing_code"
CONF_AREA: Final = "area"
CONF_LANGUAGE: Final = "language"
CONF_VOICE: Final = "voice"
CONF_WAKE_WORD: Final = "wake_word"
CONF_BEAM_SIZE: Final = "beam_size"
DEFAULT_BEAM_SIZE: Final = 1

# Seconds between engine health checks, and for one Wyoming round trip.
ENGINE_POLL_SECONDS: Final = 10
# The health checks' own logger: logs.py keeps it at INFO unless configured.
ENGINE_POLL_LOGGER: Final = "custom_components.indoor_voice.engine.poll"
WYOMING_TIMEOUT: Final = 5

# The microphone format of Assist pipelines: 16 kHz, 16 bit, mono.
PIPELINE_FORMAT: Final = AudioFormat(rate=16_000, width=2, channels=1)


class EntryKind(StrEnum):
    """What a config entry stands for."""

    ENGINE = "engine"
    HOUSEHOLD = "household"
    SATELLITE = "satellite"  # an Indoor Voice satellite: paired, encrypted link
    WYOMING_SATELLITE = "wyoming_satellite"  # a plain Wyoming satellite: unencrypted
