"""What a satellite's command tells the speech-to-text entity that hears it.

Home Assistant gives a speech-to-text entity only the audio and its format. A pipeline run
names the entity in its `stt-start` event and calls it right after: the satellite entity hands
over its "finished speaking" pauses (engines/endpointing.py) and whether the stream starts at a
wake word (engines/stream_start.py) on that event, and withdraws both when the run ends.
"""

from __future__ import annotations

from homeassistant.components.assist_pipeline import PipelineEvent, PipelineEventType
from homeassistant.core import HomeAssistant

from ..engines.endpointing import DATA_SATELLITE_PAUSES, pauses_for
from ..engines.stream_start import DATA_WAKE_WORD_STREAMS


class SpeechToTextHandOver:
    """One satellite's hand-over, run by run."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self._stt_entity_id: str | None = None  # of the run in progress
        self.after_wake_word = False  # the next run streams from a wake word

    def on_pipeline_event(self, event: PipelineEvent, vad_sensitivity: str | None) -> None:
        if event.type is PipelineEventType.STT_START and event.data:
            self._stt_entity_id = str(event.data["engine"])
            pauses = pauses_for(vad_sensitivity or "default")
            self._hass.data[DATA_SATELLITE_PAUSES].hand_over(self._stt_entity_id, pauses)
            if self.after_wake_word:  # the engine then hears the command once
                self._hass.data[DATA_WAKE_WORD_STREAMS].hand_over(self._stt_entity_id)
        elif event.type is PipelineEventType.RUN_END and self._stt_entity_id is not None:
            self._hass.data[DATA_SATELLITE_PAUSES].withdraw(self._stt_entity_id)
            self._hass.data[DATA_WAKE_WORD_STREAMS].withdraw(self._stt_entity_id)
            self._stt_entity_id = None
