"""Names the satellite protocol adds to Wyoming, shared by both ends (see the satellite's
PROTOCOL.md for the whole conversation)."""

from __future__ import annotations

from typing import Final

from wyoming.event import Event

# Home Assistant -> satellite
STAND_DOWN: Final = "stand-down"  # another satellite answers: stop streaming now; data {}
SET_MUTE: Final = "set-mute"  # data {"muted": bool}; the satellite answers with `info`

# Extra data on the satellite's `run-pipeline`, for choosing between satellites
WAKE_WORD_SCORE: Final = "wake_word_score"  # float 0..1, the classifier's score
SPEECH_LEVEL: Final = "speech_level"  # float dBFS (RMS) of the wake word audio, <= 0
SND_FORMAT: Final = "snd_format"  # {"rate", "width", "channels"} the speaker plays

# Extra data in `info` -> "satellite"
MUTED: Final = "muted"  # bool


def stand_down() -> Event:
    return Event(STAND_DOWN, {})


def set_mute(muted: bool) -> Event:
    return Event(SET_MUTE, {MUTED: muted})
