"""When a satellite listens again without the wake word: after the conversation agent's answer
expects a reply (`continue_conversation`), once that answer has played in full. An answer cut
short by "stop" ends the conversation instead."""

from __future__ import annotations

from homeassistant.components.assist_pipeline import PipelineEvent, PipelineEventType
from homeassistant.core import callback


class Turns:
    """Follows one satellite's pipeline runs to tell when a reply is expected."""

    def __init__(self) -> None:
        self._expects_reply = False

    @callback
    def on_pipeline_event(self, event: PipelineEvent) -> None:
        if event.type is PipelineEventType.RUN_START:
            self._expects_reply = False
        elif event.type is PipelineEventType.INTENT_END and event.data:
            output = event.data.get("intent_output") or {}
            self._expects_reply = bool(output.get("continue_conversation"))

    @callback
    def listen_after_played(self, stopped: bool) -> bool:
        """The answer has played (or was stopped): whether to listen for the reply now."""
        expects, self._expects_reply = self._expects_reply and not stopped, False
        return expects
