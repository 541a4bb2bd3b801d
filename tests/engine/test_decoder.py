"""A command with hardly any silence before it, as a satellite streams it from its wake word,
is decoded over the short window like any other (without silence first, Whisper said it
twice there, and the whole 30 s had to be decoded again)."""

from __future__ import annotations

import numpy as np
import pytest
from faster_whisper import WhisperModel

from indoor_voice_engine.decoder import Decoder
from testbed.engine_process import MODELS
from testbed.speech import RATE, espeak, silence

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def decoder() -> Decoder:
    model = WhisperModel(str(MODELS / "stt" / "tiny.en"), compute_type="int8", cpu_threads=2)
    return Decoder(model)


@pytest.mark.parametrize("voice", ["en-us", "en-gb"])
def test_a_command_streamed_from_the_wake_word_is_heard_once(decoder: Decoder, voice: str) -> None:
    said = np.frombuffer(espeak("hey jarvis, switch on the kitchen light", voice), np.int16)
    after_wake = said[int(0.9 * RATE) :]  # where the satellite's stream begins
    pcm = np.concatenate((after_wake, np.frombuffer(silence(0.3), np.int16)))
    encoded, text = decoder.transcribe(pcm.astype(np.float32) / 32768, "en", "Kitchen Light.", 1)
    assert text.lower().rstrip(".") == "switch on the kitchen light"
    assert encoded.window < 3000  # the short window, not the 30 s fallback
