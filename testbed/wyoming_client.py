"""Small Wyoming conversations with a speech service, as any client has them: what it serves,
a transcript, speech, wake words. The tests check what comes back; scripts/bench also notes
when each moment came (`Timing`), on our engine and on the peers alike."""

from __future__ import annotations

import asyncio
import math
import time
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

from testbed.speech import RATE, paced

TIMEOUT = 60


@dataclass
class Timing:
    """When a conversation's moments came, on time.perf_counter()'s clock."""

    asked: float = math.nan  # the request was complete: synthesize, or audio-stop, sent
    first: float = math.nan  # the first audio of the answer arrived
    answered: float = math.nan  # the answer was complete: the transcript, or audio-stop


class ServiceError(RuntimeError):
    """The service answered with a Wyoming `error`, or hung up before it answered."""


async def _answer(client: AsyncTcpClient, what: str) -> Event:
    """The next event that is not an error; ServiceError for an error or a closed connection."""
    event = await client.read_event()
    if event is None:
        raise ServiceError(f"the service closed the connection before {what}")
    if event.type == "error":
        raise ServiceError(f"the service answered with an error: {event.data}")
    return event


async def describe(host: str, port: int, within: float = TIMEOUT) -> Info:
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(within):
        await client.write_event(Describe().event())
        while not Info.is_type((event := await _answer(client, "its info")).type):
            pass
        return Info.from_event(event)


async def send_audio(
    client: AsyncTcpClient,
    pcm: bytes,
    rate: int = RATE,
    width: int = 2,
    channels: int = 1,
    chunk_ms: int = 100,
    realtime: bool = False,
    *,
    end: bool = True,
    timing: Timing | None = None,
) -> None:
    """audio-start, the audio in chunks of `chunk_ms`, then audio-stop (unless not `end`: the
    caller decides when it ends). As fast as they are taken, or `realtime`: at real-time pace
    against the clock, each chunk with its timestamp, as a microphone sends it (16 kHz mono)."""
    audio_format = {"rate": rate, "width": width, "channels": channels}
    await client.write_event(AudioStart(timestamp=0 if realtime else None, **audio_format).event())
    if realtime:
        index = 0
        async for audio in paced(pcm, chunk_ms):
            chunk = AudioChunk(audio=audio, timestamp=index * chunk_ms, **audio_format)
            await client.write_event(chunk.event())
            index += 1
    else:
        step = rate * chunk_ms // 1000 * width * channels
        for start in range(0, len(pcm), step):
            chunk = AudioChunk(audio=pcm[start : start + step], **audio_format)
            await client.write_event(chunk.event())
    if end:
        await client.write_event(AudioStop().event())
        if timing is not None:
            timing.asked = time.perf_counter()


async def transcribe(
    host: str,
    port: int,
    pcm: bytes,
    *,
    rate: int = RATE,
    width: int = 2,
    channels: int = 1,
    chunk_ms: int = 100,
    realtime: bool = False,
    within: float = TIMEOUT,
    timing: Timing | None = None,
    **request: object,
) -> str:
    """The transcript of `pcm`; `request` goes into the transcribe event (beyond English)."""
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(within):
        transcribe_event = Transcribe(language="en").event()
        transcribe_event.data.update(request)
        await client.write_event(transcribe_event)
        await send_audio(client, pcm, rate, width, channels, chunk_ms, realtime, timing=timing)
        while not Transcript.is_type((event := await _answer(client, "the transcript")).type):
            pass
        if timing is not None:
            timing.answered = time.perf_counter()
        return Transcript.from_event(event).text


def sounds_like(heard: str, expected: str) -> bool:
    """A transcript at least half like the expected text, letter by letter. Piper's speech
    varies from run to run and tiny.en now and then mishears a word of a short reply ("on
    the white"); a transcript of anything else scores far lower."""
    return SequenceMatcher(None, heard.lower().strip(" ."), expected.lower()).ratio() >= 0.5


@dataclass
class Speech:
    rate: int
    width: int = 2
    channels: int = 1
    audio: bytes = b""
    events: list[Event] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return len(self.audio) / (self.width * self.channels * self.rate)


async def synthesize(
    host: str,
    port: int,
    text: str,
    voice: str | None = None,
    *,
    within: float = TIMEOUT,
    timing: Timing | None = None,
) -> Speech:
    """The speech for `text`, with every event from audio-start to audio-stop."""
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(within):
        if timing is not None:
            timing.asked = time.perf_counter()
        await client.write_event(
            Synthesize(text=text, voice=SynthesizeVoice(name=voice) if voice else None).event()
        )
        speech: Speech | None = None
        while True:
            event = await _answer(client, "audio-stop")
            if AudioStart.is_type(event.type):
                start = AudioStart.from_event(event)
                speech = Speech(start.rate, start.width, start.channels)
            if speech is None:
                raise ServiceError(f"{event.type} before audio-start")
            speech.events.append(event)
            if AudioChunk.is_type(event.type):
                if timing is not None and math.isnan(timing.first):
                    timing.first = time.perf_counter()
                speech.audio += AudioChunk.from_event(event).audio
            if AudioStop.is_type(event.type):
                if timing is not None:
                    timing.answered = time.perf_counter()
                return speech


async def detect(
    host: str, port: int, pcm: bytes, names: list[str] | None = None, *, realtime: bool = False
) -> list[Event]:
    """Stream audio for wake word detection (in 10 ms chunks; `realtime`: at a microphone's
    pace, each with its timestamp); return what the engine answered.

    A ping after audio-stop marks the end: the engine answers events in order.
    """
    async with AsyncTcpClient(host, port) as client, asyncio.timeout(TIMEOUT):
        await client.write_event(Detect(names=names).event())
        await send_audio(client, pcm, chunk_ms=10, realtime=realtime)
        await client.write_event(Ping(text="end").event())
        events: list[Event] = []
        while True:
            event = await client.read_event()
            assert event is not None, "engine closed the connection"
            if Pong.is_type(event.type):
                return events
            events.append(event)
