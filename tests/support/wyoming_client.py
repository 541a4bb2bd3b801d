"""Small Wyoming conversations with an engine, as any client would have them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.info import Describe, Info
from wyoming.ping import Ping, Pong
from wyoming.tts import Synthesize, SynthesizeVoice
from wyoming.wake import Detect

TIMEOUT = 60


async def describe(host: str, port: int) -> Info:
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(TIMEOUT):
        await client.write_event(Describe().event())
        while True:
            event = await client.read_event()
            assert event is not None
            if Info.is_type(event.type):
                return Info.from_event(event)


async def send_audio(
    client: AsyncTcpClient,
    pcm: bytes,
    rate: int = 16_000,
    width: int = 2,
    channels: int = 1,
    chunk_ms: int = 100,
    realtime: bool = False,
) -> None:
    frame = width * channels
    step = rate * chunk_ms // 1000 * frame
    await client.write_event(AudioStart(rate=rate, width=width, channels=channels).event())
    for start in range(0, len(pcm), step):
        chunk = AudioChunk(
            rate=rate, width=width, channels=channels, audio=pcm[start : start + step]
        )
        await client.write_event(chunk.event())
        if realtime:
            await asyncio.sleep(chunk_ms / 1000)
    await client.write_event(AudioStop().event())


async def transcribe(
    host: str,
    port: int,
    pcm: bytes,
    *,
    rate: int = 16_000,
    width: int = 2,
    channels: int = 1,
    **request: object,
) -> str:
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(TIMEOUT):
        transcribe_event = Transcribe(language="en").event()
        transcribe_event.data.update(request)
        await client.write_event(transcribe_event)
        await send_audio(client, pcm, rate, width, channels)
        while True:
            event = await client.read_event()
            assert event is not None, "engine closed the connection"
            assert event.type != "error", event.data
            if Transcript.is_type(event.type):
                return Transcript.from_event(event).text


def sounds_like(heard: str, expected: str) -> bool:
    """A transcript at least half like the expected text, letter by letter. Piper's speech
    varies from run to run and tiny.en now and then mishears a word of a short reply ("on
    the white"); a transcript of anything else scores far lower."""
    return SequenceMatcher(None, heard.lower().strip(" ."), expected.lower()).ratio() >= 0.5


@dataclass
class Speech:
    rate: int
    audio: bytes = b""
    events: list[Event] = field(default_factory=list)


async def synthesize(host: str, port: int, text: str, voice: str | None = None) -> Speech:
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(TIMEOUT):
        await client.write_event(
            Synthesize(text=text, voice=SynthesizeVoice(name=voice) if voice else None).event()
        )
        speech: Speech | None = None
        while True:
            event = await client.read_event()
            assert event is not None, "engine closed the connection"
            assert event.type != "error", event.data
            if AudioStart.is_type(event.type):
                speech = Speech(rate=AudioStart.from_event(event).rate)
            assert speech is not None
            speech.events.append(event)
            if AudioChunk.is_type(event.type):
                speech.audio += AudioChunk.from_event(event).audio
            if AudioStop.is_type(event.type):
                return speech


async def detect(host: str, port: int, pcm: bytes, names: list[str] | None = None) -> list[Event]:
    """Stream audio for wake word detection; return what the engine answered.

    A ping after audio-stop marks the end: the engine answers events in order.
    """
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(TIMEOUT):
        await client.write_event(Detect(names=names).event())
        await send_audio(client, pcm, chunk_ms=10)
        await client.write_event(Ping(text="end").event())
        events: list[Event] = []
        while True:
            event = await client.read_event()
            assert event is not None, "engine closed the connection"
            if Pong.is_type(event.type):
                return events
            events.append(event)
