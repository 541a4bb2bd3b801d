"""Whether a command's audio starts right after a wake word, handed from our satellite entity
to the speech-to-text entity that hears the command.

A satellite streams from the moment it heard its wake word, so the command often starts loud
in its first frame, and Whisper then tends to say it twice. The engine prevents that when it
knows (`after_wake_word` in `transcribe`, see indoor_voice_engine/decoder.py). Home Assistant
does not tell a speech-to-text entity where its audio comes from: as with the "finished
speaking" pauses (endpointing.py), the satellite entity hands the fact over on the run's
`stt-start` event and the speech-to-text entity takes it as the audio starts.
"""

from __future__ import annotations

from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN

DATA_WAKE_WORD_STREAMS: HassKey[WakeWordStreams] = HassKey(f"{DOMAIN}_wake_word_streams")


class WakeWordStreams:
    """Speech-to-text entities whose next stream starts right after a wake word."""

    def __init__(self) -> None:
        self._waiting: set[str] = set()

    def hand_over(self, stt_entity_id: str) -> None:
        self._waiting.add(stt_entity_id)

    def take(self, stt_entity_id: str) -> bool:
        """True once for a stream handed over; False for anyone else's."""
        if stt_entity_id in self._waiting:
            self._waiting.discard(stt_entity_id)
            return True
        return False

    def withdraw(self, stt_entity_id: str) -> None:
        """The run ended without the entity taking it (a run that failed before, say)."""
        self._waiting.discard(stt_entity_id)


def request_data(after_wake_word: bool) -> dict[str, bool]:
    """What the engine's `transcribe` carries for it (nothing for other streams)."""
    return {"after_wake_word": True} if after_wake_word else {}
