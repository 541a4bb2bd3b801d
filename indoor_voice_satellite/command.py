"""A command streamed to Home Assistant: from the wake word (or Home Assistant's `listen`) to
the end of speech, the reply, or `--max-command-seconds`.

Not a byte of audio leaves before one of those starts a command.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from wyoming.audio import AudioChunk, AudioFormat, AudioStart, AudioStop
from wyoming.event import Event
from wyoming.pipeline import PipelineStage, RunPipeline
from wyoming.wake import Detection

from indoor_voice_link.protocol import (
    FOLLOW_UP,
    SND_FORMAT,
    SPEECH_LEVEL,
    WAKE_PRINT,
    WAKE_WORD_SCORE,
)
from indoor_voice_link.wake_print import WakePrint
from indoor_voice_models.wake import WakeHit

from .audio import MIC_FORMAT

_LOGGER = logging.getLogger(__name__)


class CommandStream:
    """Counts the microphone's samples (for timestamps) and streams them while a command runs."""

    def __init__(self, send: Callable[[Event], None], max_seconds: float) -> None:
        self._send = send
        self._max_samples = int(max_seconds * MIC_FORMAT.rate)
        self._heard = 0
        self._samples: int | None = None  # streaming a command, this much so far

    @property
    def streaming(self) -> bool:
        return self._samples is not None

    def heard(self, audio: bytes) -> bool:
        """The microphone heard `audio`: stream it if a command runs. True if that made the
        command too long (it has ended)."""
        self._heard += len(audio) // MIC_FORMAT.width
        if self._samples is None:
            return False
        self._send(
            AudioChunk(**MIC_FORMAT.to_dict(), audio=audio, timestamp=self.timestamp_ms()).event()
        )
        self._samples += len(audio) // MIC_FORMAT.width
        return self._samples >= self._max_samples and self.end("the command was too long")

    def start(
        self,
        hit: WakeHit | None,
        snd_format: AudioFormat,
        speech_level: float,
        fingerprint: WakePrint | None = None,
    ) -> None:
        """Ask Home Assistant to run its pipeline from speech-to-text, and stream.

        Without a wake word it is a follow-up: Home Assistant asked for an answer.
        """
        run = RunPipeline(
            start_stage=PipelineStage.ASR,
            end_stage=PipelineStage.TTS,
            wake_word_name=hit.name if hit else None,
            restart_on_end=False,
        ).event()
        run.data[SND_FORMAT] = snd_format.to_dict()
        timestamp = self.timestamp_ms()
        if hit is None:
            run.data[FOLLOW_UP] = True
            self._send(run)
        else:
            run.data[WAKE_WORD_SCORE] = round(hit.score, 4)
            run.data[SPEECH_LEVEL] = speech_level
            if fingerprint is not None:
                run.data[WAKE_PRINT] = fingerprint.to_dict()
            self._send(run)
            self._send(Detection(name=hit.name, timestamp=timestamp).event())
        self._send(AudioStart(**MIC_FORMAT.to_dict(), timestamp=timestamp).event())
        self._samples = 0

    def end(self, reason: str) -> bool:
        """Stop streaming (audio-stop); False if no command was streaming."""
        if self._samples is None:
            return False
        self._samples = None
        self._send(AudioStop(timestamp=self.timestamp_ms()).event())
        _LOGGER.info("Stopped streaming: %s", reason)
        return True

    def forget(self) -> None:
        """Home Assistant is gone: nothing streams, and there is no one to tell."""
        self._samples = None

    def timestamp_ms(self) -> int:
        return self._heard * 1000 // MIC_FORMAT.rate
