"""A command with hardly any silence before it, as a satellite streams it from its wake word,
is decoded over the short window like any other (without silence first, Whisper said it
twice there, and the whole 30 s had to be decoded again)."""

from __future__ import annotations

import numpy as np
import pytest
from faster_whisper import WhisperModel

from indoor_voice_engine.decoder import Decoder, said_once
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


def _after_wake(text: str, voice: str, cut: float) -> np.ndarray:
    """The satellite's stream of "hey jarvis, …": from `cut` seconds in, then a short pause."""
    said = np.frombuffer(espeak(text, voice), np.int16)
    pcm = np.concatenate((said[int(cut * RATE) :], np.frombuffer(silence(0.3), np.int16)))
    return pcm.astype(np.float32) / 32768


def _count_encodes(decoder: Decoder, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    encode = decoder._encode

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return encode(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decoder, "_encode", counted)
    return calls


# Where the satellite's stream may begin, in seconds into "hey jarvis, …".
CUTS = (0.7, 0.8, 0.9, 1.0)


def test_a_stream_from_a_wake_word_that_loops_is_decoded_again_and_said_once(
    decoder: Decoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "switch on the kitchen light" in two voices, from a few places the satellite may
    begin streaming it: over the short window without silence first, Whisper says some of
    them twice (which ones differs from one CPU to the next); each loop is found, decoded
    again with silence before it, and every command is said once."""
    encodes = _count_encodes(decoder, monkeypatch)
    looped = []
    for voice in ("en-gb-scotland", "en-us"):
        for cut in CUTS:
            encodes.clear()
            audio = _after_wake("hey jarvis, switch on the kitchen light", voice, cut)
            _, text = decoder.transcribe(audio, "en", "Kitchen Light.", 1)
            assert text.lower().count("switch") == 1, (voice, cut, text)
            if len(encodes) > 1:
                looped.append((voice, cut))
    assert looped  # some loops, found and decoded again


@pytest.mark.parametrize(
    ("heard", "once"),
    [
        ("Switch off, Nurkachun Light. Switch off, N", "Switch off, Nurkachun Light."),
        ("Turn on the light. Turn on the light.", "Turn on the light."),
        ("Switch on the light. Switch on the light. Switch on the", "Switch on the light."),
        ("What time is it?", "What time is it?"),
        ("Turn on the kitchen light and turn on", "Turn on the kitchen light and turn on"),
        ("Lock the door. Lock", "Lock the door. Lock"),
        ("Hello. Hello there.", "Hello. Hello there."),
    ],
)
def test_a_loop_that_survives_every_retry_is_said_once(heard: str, once: str) -> None:
    """Whisper's own words as it looped here; a sentence that merely repeats a word stays."""
    assert said_once(heard) == once


# A home with many names: Whisper's prompt holds about a hundred tokens of them.
_MANY_NAMES = ", ".join(
    f"{room} {thing}"
    for room in ("Kitchen", "Hallway", "Porch", "Bedroom", "Office", "Garage", "Attic", "Cellar")
    for thing in ("Light", "Lamp", "Fan", "Blinds")
)


@pytest.mark.parametrize("voice", ["en-us", "en-gb"])
def test_a_long_prompt_of_names_never_cuts_a_short_command_short(
    decoder: Decoder, voice: str
) -> None:
    """The prompt of the home's names does not count against the length of what is said:
    a two-second command comes back whole (it came back as its first word, or as an error,
    when a prompt of names was longer than the command's own allowance of tokens)."""
    pcm = np.frombuffer(silence(0.3) + espeak("switch on the kitchen light", voice), np.int16)
    _encoded, text = decoder.transcribe(pcm.astype(np.float32) / 32768, "en", _MANY_NAMES, 1)
    assert text.lower().rstrip(".,") == "switch on the kitchen light"
