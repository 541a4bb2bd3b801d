"""Our own end of a spoken command, sooner than a generic voice activity detector, and
never by cutting the speaker off.

The engine tells us, while audio still flows, what it heard after each short pause and how
long the speaker has been quiet. Each partial transcript gets a verdict from what this home
can be told (sentences/: Home Assistant's own sentence templates for the pipeline's
language, filled with the home's names), so no language needs a word list of its own:
- COMPLETE, a whole command of this home (or Home Assistant's recognizer matches it): the
  command ends at once;
- GOING_ON, the beginning of one ("turn on the", "the kitchen" of "Kitchen Light"), fewer
  than three words, or a number at the end ("to … fifty" heard as "2 … 50", "fifty …
  percent"): the command ends only after the long pause;
- OPEN, neither (a question, a free sentence): it ends after the end pause, never shorter
  than Home Assistant's own for the sensitivity, so free text is transcribed whole.
Hard limits (no speech at all, a command too long) end it whatever was heard.

"Finished speaking" sensitivity keeps its meaning: relaxed waits long enough for a slow
speaker even when the words so far already make a command.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from homeassistant.components.assist_pipeline.vad import VadSensitivity
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from ..sentences.automaton import CommandAutomaton
from ..sentences.words import NUMBER, Words

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


class Verdict(StrEnum):
    """What a partial transcript is, for the end of the command."""

    COMPLETE = "complete"
    GOING_ON = "going on"
    OPEN = "open"


_FEWEST_WORDS = 3  # "turn", "the kitchen": too few to be anything yet


async def async_verdict(
    text: str,
    words: Words,
    commands: CommandAutomaton | None,
    recognizes: Callable[[str], Awaitable[bool]],
) -> Verdict:
    """The verdict on a partial transcript; `commands` is None in a language Home Assistant
    has no sentences for, `recognizes` is Home Assistant's own recognizer."""
    said = words.split(text)
    if not said:
        return Verdict.GOING_ON
    reading = commands.read(text) if commands is not None else None
    whole = reading is not None and reading.whole
    if said[-1] == NUMBER and not (whole and reading is not None and not reading.goes_on):
        return Verdict.GOING_ON  # "set the light to 2" may be "… to fifty percent"
    if reading is not None and reading.inside_value:
        return Verdict.GOING_ON  # "turn on the kitchen": the kitchen, or the kitchen light?
    if whole or await recognizes(text):
        return Verdict.COMPLETE
    if (reading is not None and reading.begins) or len(said) < _FEWEST_WORDS:
        return Verdict.GOING_ON
    return Verdict.OPEN


class EndOfCommand:
    """Decides, event by event from the engine, whether the command is over."""

    def __init__(self, judge: Callable[[str], Awaitable[Verdict]], pauses: Pauses) -> None:
        self._judge = judge
        self._pauses = pauses
        self._verdict: tuple[int, Verdict] | None = None  # (speech end ms, of the last partial)
        self._paused_at: int | None = None  # speech end of a pause that reached `end_ms`
        self.speech_started = False
        self.partials = 0
        self.reason: str | None = None
        # The partial transcript that made a whole command: the engine answers with it as
        # heard, without weighing the home's commands on it again.
        self.as_heard: str | None = None

    async def over(self, event_type: str, data: dict[str, Any]) -> bool:
        """True when the command ends with this event; `reason` then says why."""
        if event_type == "voice-started":
            self.speech_started = True
        elif event_type == "partial-transcript":
            speech_end = int(data.get("speech_end_ms") or 0)
            text = str(data.get("text") or "")
            verdict = await self._judge(text)
            self._verdict = (speech_end, verdict)
            self.partials += 1
            _LOGGER.debug("Partial transcript %d: %s", self.partials, verdict)
            if verdict is Verdict.COMPLETE:
                self.as_heard = text
                return self._end("command")
            if verdict is Verdict.OPEN and self._paused_at == speech_end:
                return self._end("pause")  # the end pause came before this partial did
        elif event_type == "voice-stopped":
            pause = int(data.get("pause_ms") or 0)
            if pause >= self._pauses.long_ms:
                return self._end("long pause")
            speech_end = int(data.get("timestamp") or 0)
            if self._verdict is None or self._verdict[0] != speech_end:
                self._paused_at = speech_end  # its partial is still being decoded
                return False
            if self._verdict[1] is Verdict.OPEN:
                return self._end("pause")
        return False

    def _end(self, reason: str) -> bool:
        self.reason = reason
        return True
