"""Speech-to-text over Wyoming, with the real tiny.en model."""

from __future__ import annotations

import re

import pytest

from testbed.engine_process import EngineProcess
from testbed.speech import convert, espeak, silence
from testbed.wyoming_client import synthesize, transcribe


def words(text: str) -> str:
    return re.sub(r"[^a-z' ]", "", text.lower()).strip()


async def test_piper_speech_is_transcribed(engine_process: EngineProcess) -> None:
    """Piper says "turn on the kitchen light"; Whisper hears it, given the home's names as the
    integration always sends them. Piper's speech varies from run to run, and without the
    names tiny.en now and then mishears a word ("pern on", "kitchen white")."""
    host, port = engine_process.host, engine_process.port
    speech = await synthesize(host, port, "Turn on the kitchen light.")
    pcm = convert(speech.audio, speech.rate, 2, 1)
    audio = silence(0.5) + pcm + silence(1.0)
    text = await transcribe(host, port, audio, transcript_names=["Kitchen Light"])
    assert words(text).endswith("on the kitchen light"), text


@pytest.mark.parametrize("voice", ["en-us", "en-gb", "en-gb-scotland"])
async def test_other_voices_are_transcribed(engine_process: EngineProcess, voice: str) -> None:
    """An unrelated synthesizer, with several accents."""
    pcm = espeak("turn on the kitchen light", voice=voice)
    text = await transcribe(
        engine_process.host, engine_process.port, silence(0.3) + pcm + silence(1.0)
    )
    assert words(text) == "turn on the kitchen light"


async def test_any_announced_format_is_converted(engine_process: EngineProcess) -> None:
    """48 kHz, 32-bit stereo in; the same words out."""
    pcm = espeak("turn on the kitchen light", rate=48_000)
    stereo = convert(pcm, 48_000, 2, 1, to_rate=48_000, to_width=4, to_channels=2)
    text = await transcribe(
        engine_process.host,
        engine_process.port,
        stereo + bytes(48_000 * 8),
        rate=48_000,
        width=4,
        channels=2,
    )
    assert words(text) == "turn on the kitchen light"


async def test_silence_gives_an_empty_transcript(engine_process: EngineProcess) -> None:
    text = await transcribe(engine_process.host, engine_process.port, silence(2.0))
    assert text == ""


async def test_names_of_the_home_bias_recognition(engine_process: EngineProcess) -> None:
    """An unusual device name is spelled the household's way when the client names it."""
    pcm = silence(0.3) + espeak("turn on the nyx lamp") + silence(1.0)
    host, port = engine_process.host, engine_process.port
    plain = await transcribe(host, port, pcm)
    biased = await transcribe(host, port, pcm, transcript_names=["Nyx Lamp", "Kitchen Light"])
    assert "nyx lamp" not in words(plain)
    assert "nyx lamp" in words(biased)


@pytest.mark.parametrize(
    ("voice", "cut"), [("en-gb", 0.9), ("en-gb-scotland", 0.8), ("en-gb-scotland", 1.0)]
)
async def test_a_command_streamed_from_a_wake_word_is_said_once(
    engine_process: EngineProcess, voice: str, cut: float
) -> None:
    """A satellite's stream starts where it heard "hey jarvis": the command's first word comes
    at once, and over such audio Whisper said "switch on the kitchen light" two or three times
    here. The engine hears it once (a loop is decoded again, then cut to its first saying), and
    notes in its debug log that it was told the stream starts at a wake word."""
    said = espeak("hey jarvis, switch on the kitchen light", voice)
    stream = said[int(cut * 16_000) * 2 :] + silence(1.0)
    text = await transcribe(
        engine_process.host,
        engine_process.port,
        stream,
        transcript_names=["Kitchen Light"],
        after_wake_word=True,
    )
    assert words(text) == "switch on the kitchen light", text
    assert "after a wake word" in engine_process.log_text()
