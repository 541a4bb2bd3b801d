"""Names the satellite protocol adds to Wyoming, shared by both ends (see PROTOCOL.md beside
this module for the whole conversation)."""

from __future__ import annotations

from typing import Final

from wyoming.event import Event

# The wake word a satellite and an engine listen for unless told otherwise, and the one Home
# Assistant's "Indoor Voice (local)" pipeline takes when the engine offers it.
DEFAULT_WAKE_WORD: Final = "hey_jarvis"

# Home Assistant -> satellite
STAND_DOWN: Final = "stand-down"  # another satellite answers: stop streaming now; data {}
SET_MUTE: Final = "set-mute"  # data {"muted": bool}; the satellite answers with `info`
SET_VOLUME: Final = "set-volume"  # data {"volume": 0..1}; the satellite answers with `info`
LISTEN: Final = "listen"  # stream a command now, without a wake word (a reply is expected); {}
CHIME: Final = "chime"  # play the satellite's own chime before the next sound; data {}
SET_WAKE_SENSITIVITY: Final = "set-wake-sensitivity"  # data {"wake_sensitivity": a level}

# A household's wake sensitivity: how readily the satellite wakes (its threshold per level is
# the satellite's; PROTOCOL.md)
WAKE_SENSITIVITIES: Final = ("relaxed", "default", "strict")

# Satellite -> Home Assistant
WAKE_DECISION: Final = "wake-decision"  # a wake word heard, or nearly: see PROTOCOL.md

# Extra data on the satellite's `run-pipeline`, for choosing between satellites
WAKE_WORD_SCORE: Final = "wake_word_score"  # float 0..1, the classifier's score
SPEECH_LEVEL: Final = "speech_level"  # float dBFS (RMS) of the wake word audio, <= 0
WAKE_PRINT: Final = "wake_print"  # the wake word's fingerprint (wake_print.py), a list of ints
SND_FORMAT: Final = "snd_format"  # {"rate", "width", "channels"} the speaker plays

# Extra data in `info` -> "satellite"
MUTED: Final = "muted"  # bool
VOLUME: Final = "volume"  # float 0..1
STOP_WORDS: Final = "stop_words"  # list of str: the words that end a ringing timer or a reply
WAKE_SENSITIVITY: Final = "wake_sensitivity"  # one of WAKE_SENSITIVITIES

# Data of `wake-decision`
NAME: Final = "name"  # the wake word
SCORE: Final = "score"  # its peak score, 0..1
ACCEPTED: Final = "accepted"  # bool: it woke the satellite
THRESHOLD: Final = "threshold"  # the score it needed

# Extra data on the satellite's `run-pipeline` after `listen`, and on `played`
FOLLOW_UP: Final = "follow_up"  # true: this command answers Home Assistant, no wake word
STOPPED: Final = "stopped"  # true on `played`: "stop" cut the sound short


def stand_down() -> Event:
    return Event(STAND_DOWN, {})


def set_mute(muted: bool) -> Event:
    return Event(SET_MUTE, {MUTED: muted})


def set_volume(volume: float) -> Event:
    return Event(SET_VOLUME, {VOLUME: volume})


def listen() -> Event:
    return Event(LISTEN, {})


def chime() -> Event:
    return Event(CHIME, {})


def set_wake_sensitivity(level: str) -> Event:
    return Event(SET_WAKE_SENSITIVITY, {WAKE_SENSITIVITY: level})


def wake_decision(name: str, score: float, accepted: bool, threshold: float) -> Event:
    return Event(
        WAKE_DECISION,
        {NAME: name, SCORE: round(score, 3), ACCEPTED: accepted, THRESHOLD: threshold},
    )
