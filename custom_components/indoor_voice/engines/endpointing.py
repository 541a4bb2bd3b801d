"""Our own end of a spoken command, sooner than a generic voice activity detector.

The engine tells us, while audio still flows, what it heard after each short pause and how
long the speaker has been quiet. The command ends:
- as soon as a partial transcript is a complete command of this home (Home Assistant's own
  intent recognizer, its exposed entities and areas, matches it whole);
- after the sensitivity's end pause otherwise, unless the words so far are clearly
  unfinished ("turn on the"), which get the long pause;
- at the hard limits (no speech at all, a command too long) whatever was heard.

"Finished speaking" sensitivity keeps its meaning: relaxed waits long enough for a slow
speaker even when the words so far already make a command.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from homeassistant.components.assist_pipeline.vad import VadSensitivity
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN

_LOGGER = logging.getLogger(__name__)

NO_SPEECH_SECONDS = 8.0  # nothing said: give up, as Home Assistant's own VAD does
MAX_SECONDS = 25.0  # below the engine's 30 s limit


@dataclass(frozen=True)
class Pauses:
    """Silence, in ms, after which the engine reports a partial, the end, the long end."""

    partial_ms: int
    end_ms: int
    long_ms: int


PAUSES = {
    VadSensitivity.AGGRESSIVE: Pauses(partial_ms=90, end_ms=500, long_ms=1000),
    VadSensitivity.DEFAULT: Pauses(partial_ms=120, end_ms=800, long_ms=1500),
    # A slow speaker: pauses of a second inside a command are theirs to make.
    VadSensitivity.RELAXED: Pauses(partial_ms=600, end_ms=1300, long_ms=2000),
}

# Words a command does not end with: "turn on the", "set the light to", "lock the front".
_DANGLING = frozenset(
    [
        "the",
        "a",
        "an",
        "to",
        "on",
        "off",
        "in",
        "of",
        "and",
        "at",
        "for",
        "my",
        "set",
        "turn",
        "switch",
        "is",
        "are",
        "what",
        "open",
        "close",
        "lock",
        "unlock",
        "start",
        "stop",
        "by",
        "with",
        "from",
        "into",
        "up",
        "down",
        "please",
    ]
)


def pauses_for(sensitivity: str) -> Pauses:
    try:
        return PAUSES[VadSensitivity(sensitivity)]
    except ValueError:
        return PAUSES[VadSensitivity.DEFAULT]


DATA_SATELLITE_PAUSES: HassKey[SatellitePauses] = HassKey(f"{DOMAIN}_satellite_pauses")


class SatellitePauses:
    """Our satellites' "finished speaking" pauses, handed to the speech-to-text entity that
    hears the command.

    Home Assistant tells a speech-to-text entity only the audio and its format, not whose
    command it is. A pipeline run names the entity in its `stt-start` event and calls it right
    after, before anything else runs: our satellite entity hands its pauses to that entity on
    the event (`hand_over`), our speech-to-text entity takes them as the audio starts (`take`).
    A command from anyone else leaves nothing to take and gets the default pauses.
    """

    def __init__(self) -> None:
        self._waiting: dict[str, Pauses] = {}

    def hand_over(self, stt_entity_id: str, pauses: Pauses) -> None:
        self._waiting[stt_entity_id] = pauses

    def take(self, stt_entity_id: str) -> Pauses:
        return self._waiting.pop(stt_entity_id, PAUSES[VadSensitivity.DEFAULT])

    def withdraw(self, stt_entity_id: str) -> None:
        """The run ended without the entity taking them (a run that failed before, say)."""
        self._waiting.pop(stt_entity_id, None)


def request_data(pauses: Pauses) -> dict[str, Any]:
    """What the engine's `transcribe` carries to ask for endpointing events."""
    return {"endpointing": asdict(pauses)}


def unfinished(text: str) -> bool:
    """Words that cannot be the end of a command: nothing yet, or a dangling last word."""
    words = re.findall(r"[a-z0-9'%]+", text.lower())
    return not words or words[-1] in _DANGLING or text.rstrip().endswith((",", "-", "…"))


class EndOfCommand:
    """Decides, event by event from the engine, whether the command is over."""

    def __init__(self, is_command: Callable[[str], Awaitable[bool]], pauses: Pauses) -> None:
        self._is_command = is_command
        self._pauses = pauses
        self._partial: tuple[int, str] | None = None  # (speech end ms, text)
        self.speech_started = False
        self.partials = 0
        self.reason: str | None = None

    async def over(self, event_type: str, data: dict[str, Any]) -> bool:
        """True when the command ends with this event; `reason` then says why."""
        if event_type == "voice-started":
            self.speech_started = True
        elif event_type == "partial-transcript":
            text = str(data.get("text") or "")
            self._partial = (int(data.get("speech_end_ms") or 0), text)
            self.partials += 1
            if text and not unfinished(text) and await self._is_command(text):
                return self._end("command")
            _LOGGER.debug("Partial transcript %d is no complete command", self.partials)
        elif event_type == "voice-stopped":
            pause = int(data.get("pause_ms") or 0)
            if pause >= self._pauses.long_ms:
                return self._end("long pause")
            partial = self._partial
            if (
                partial is not None
                and partial[0] == data.get("timestamp")
                and unfinished(partial[1])
            ):
                return False  # "turn on the …": the rest is coming
            return self._end("pause")
        return False

    def _end(self, reason: str) -> bool:
        self.reason = reason
        return True
