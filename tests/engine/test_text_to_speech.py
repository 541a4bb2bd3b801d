"""Text-to-speech over Wyoming with the real Piper voice, including streamed text."""

from __future__ import annotations

import asyncio

from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.tts import Synthesize, SynthesizeChunk, SynthesizeStart, SynthesizeStop

from testbed.engine_process import EngineProcess
from testbed.speech import convert
from testbed.wyoming_client import synthesize, transcribe


async def test_speech_is_piper_audio_that_says_the_text(engine_process: EngineProcess) -> None:
    host, port = engine_process.host, engine_process.port
    speech = await synthesize(host, port, "The front door is locked.")
    assert speech.rate == 22_050
    assert 1.0 < len(speech.audio) / 2 / speech.rate < 4.0
    heard = await transcribe(host, port, convert(speech.audio, speech.rate, 2, 1) + bytes(32_000))
    assert "front door is locked" in heard.lower()


async def test_two_sentences_arrive_as_separate_audio(engine_process: EngineProcess) -> None:
    """Audio is sent per sentence, so a client can play the first while the second is made."""
    speech = await synthesize(
        engine_process.host,
        engine_process.port,
        "The kitchen light is on. The front door is locked.",
    )
    chunks = [e for e in speech.events if AudioChunk.is_type(e.type)]
    assert len(chunks) > 2
    assert speech.events[0].type == "audio-start" and speech.events[-1].type == "audio-stop"


async def _read_audio(client: AsyncTcpClient) -> tuple[int, bytes]:
    """Read one audio-start ... audio-stop run."""
    event = await client.read_event()
    assert event is not None and AudioStart.is_type(event.type), event
    rate, audio = AudioStart.from_event(event).rate, b""
    while True:
        event = await client.read_event()
        assert event is not None
        if AudioStop.is_type(event.type):
            return rate, audio
        assert AudioChunk.is_type(event.type), event
        audio += AudioChunk.from_event(event).audio


async def test_streamed_text_speaks_the_first_sentence_before_the_second_exists(
    engine_process: EngineProcess,
) -> None:
    """The first sentence's audio arrives while the client has not even sent the second."""
    host, port = engine_process.host, engine_process.port
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(60):
        await client.write_event(SynthesizeStart().event())
        await client.write_event(SynthesizeChunk(text="Turning on the ").event())
        await client.write_event(SynthesizeChunk(text="kitchen light. ").event())
        rate, first = await _read_audio(client)  # nothing else has been sent yet
        await client.write_event(SynthesizeChunk(text="The front door is locked.").event())
        await client.write_event(
            Synthesize(text="Turning on the kitchen light. The front door is locked.").event()
        )
        await client.write_event(SynthesizeStop().event())
        _, second = await _read_audio(client)
        stopped = await client.read_event()
        assert stopped is not None and stopped.type == "synthesize-stopped"

    heard_first = await transcribe(host, port, convert(first, rate, 2, 1) + bytes(32_000))
    heard_second = await transcribe(host, port, convert(second, rate, 2, 1) + bytes(32_000))
    assert "kitchen light" in heard_first.lower() and "door" not in heard_first.lower()
    assert "front door is locked" in heard_second.lower()


async def test_unknown_voice_is_refused(engine_process: EngineProcess) -> None:
    async with (
        AsyncTcpClient(engine_process.host, engine_process.port) as client,
        asyncio.timeout(30),
    ):
        await client.write_event(Synthesize(text="Hello.", voice=None).event())
        bad = Synthesize(text="Hello.").event()
        bad.data["voice"] = {"name": "en_US-amy-low"}
        await client.write_event(bad)
        events = []
        while len(events) < 10:
            event = await client.read_event()
            assert event is not None
            events.append(event.type)
            if event.type == "error":
                break
    assert events[-1] == "error"
    assert "audio-stop" in events  # the first, valid request was answered in full
