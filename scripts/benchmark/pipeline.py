"""End to end through Home Assistant's Assist pipeline — the place for it; not measured yet.

The plan: in one Home Assistant (the dev instance of scripts/develop, or HA's test harness),
set up two pipelines on the same audio —
  A. our integration (custom_components/indoor_voice) + our engine, and
  B. HA's built-in `wyoming` integration + wyoming-openwakeword, wyoming-faster-whisper and
     wyoming-piper (the Service objects in servers.py start them);
then feed each utterance to `async_pipeline_from_audio_stream` (wake word → stt → intent →
tts) at real-time pace, and time from the end of speech to the first reply audio byte
(the figure a household feels), plus the whole run. Each row goes into the same table.
"""

from __future__ import annotations

from .report import Row


async def end_to_end_rows() -> list[Row]:
    """Rows for the pipeline figures; none until the pipeline run is written."""
    return []
