"""What a client does, timed: stream a microphone, ask for a transcript, speech, a wake word.

The same code talks to our engine and to the peers.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.ping import Ping, Pong
from wyoming.tts import Synthesize, SynthesizeVoice
from wyoming.wake import Detect, Detection, NotDetected

from tests.support.speech import RATE, paced

from .corpus import Clip
from .paths import VOICE, WAKE_WORD
from .processes import HOST, Service

CHUNK_MS = 20  # what a microphone pipeline sends at a time
_TIMEOUT = 120


@dataclass(frozen=True)
class SttResult:
    text: str
    latency: float  # seconds from audio-stop sent to transcript received


@dataclass(frozen=True)
class TtsResult:
    first_audio: float  # seconds from request to the first audio chunk
    total: float  # seconds from request to audio-stop
    audio_seconds: float


async def stream_microphone(client: AsyncTcpClient, pcm: bytes, chunk_ms: int = CHUNK_MS) -> None:
    """audio-start, then the audio at real-time pace. Stops short of audio-stop: the caller
    times that moment."""
    fmt = {"rate": RATE, "width": 2, "channels": 1}
    await client.write_event(AudioStart(timestamp=0, **fmt).event())
    index = 0
    async for audio in paced(pcm, chunk_ms):
        chunk = AudioChunk(audio=audio, timestamp=index * chunk_ms, **fmt)
        await client.write_event(chunk.event())
        index += 1


async def transcribe(port: int, clip: Clip) -> SttResult:
    """Speak a clip into the server; time audio-stop → transcript."""
    async with AsyncTcpClient(HOST, port) as client, asyncio.timeout(clip.seconds + _TIMEOUT):
        await client.write_event(Transcribe(language="en").event())
        await stream_microphone(client, clip.pcm)
        await client.write_event(AudioStop().event())
        stopped = time.perf_counter()
        while True:
            event = await client.read_event()
            if event is None:
                raise ConnectionError("server closed the connection before the transcript")
            if event.type == "error":
                raise RuntimeError(f"server error: {event.data}")
            if Transcript.is_type(event.type):
                latency = time.perf_counter() - stopped
                return SttResult(Transcript.from_event(event).text, latency)


async def synthesize(port: int, text: str) -> TtsResult:
    """Ask for speech; time the first audio chunk and the end of the audio."""
    async with AsyncTcpClient(HOST, port) as client, asyncio.timeout(_TIMEOUT):
        started = time.perf_counter()
        await client.write_event(Synthesize(text=text, voice=SynthesizeVoice(name=VOICE)).event())
        first: float | None = None
        rate = RATE
        samples = 0
        while True:
            event = await client.read_event()
            if event is None:
                raise ConnectionError("server closed the connection before audio-stop")
            if event.type == "error":
                raise RuntimeError(f"server error: {event.data}")
            if AudioStart.is_type(event.type):
                rate = AudioStart.from_event(event).rate
            elif AudioChunk.is_type(event.type):
                if first is None:
                    first = time.perf_counter() - started
                chunk = AudioChunk.from_event(event)
                samples += len(chunk.audio) // (chunk.width * chunk.channels)
            elif AudioStop.is_type(event.type):
                total = time.perf_counter() - started
                return TtsResult(first if first is not None else total, total, samples / rate)


class WakeClient:
    """Streams a clip to a wake word detector in chunks of chunk_ms; True when it fired."""

    async def detected(self, clip: Clip, chunk_ms: int = CHUNK_MS) -> bool:
        raise NotImplementedError


class WyomingWake(WakeClient):
    """`detect` for hey_jarvis, the clip at real-time pace, then audio-stop.

    A ping after audio-stop marks the end for servers that keep the connection open;
    servers that close it after audio-stop end the exchange themselves.
    """

    def __init__(self, port: int) -> None:
        self.port = port

    async def detected(self, clip: Clip, chunk_ms: int = CHUNK_MS) -> bool:
        found = asyncio.Event()
        async with (
            AsyncTcpClient(HOST, self.port) as client,
            asyncio.timeout(clip.seconds + _TIMEOUT),
        ):
            reader = asyncio.create_task(_read_detections(client, found))
            await client.write_event(Detect(names=[WAKE_WORD]).event())
            await stream_microphone(client, clip.pcm, chunk_ms)
            with contextlib.suppress(ConnectionError):
                await client.write_event(AudioStop().event())
                await client.write_event(Ping(text="end").event())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reader, 3)
        return found.is_set()


async def _read_detections(client: AsyncTcpClient, found: asyncio.Event) -> None:
    with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
        while (event := await client.read_event()) is not None:
            if Detection.is_type(event.type):
                found.set()
            elif NotDetected.is_type(event.type) or Pong.is_type(event.type):
                return


class StdinWake(WakeClient):
    """pyopen-wakeword's own command line: raw PCM on stdin, a line per detection on stdout.

    It runs one continuous stream, so a detection belongs to the clip being played (or
    to its trailing silence, which is waited out).
    """

    def __init__(self, service: Service) -> None:
        assert service.process is not None and service.process.stdout is not None
        self._service = service
        self._fired: list[float] = []
        threading.Thread(target=self._collect, daemon=True, name="wake-stdout").start()

    def _collect(self) -> None:
        assert self._service.process is not None and self._service.process.stdout is not None
        for line in self._service.process.stdout:
            if line.strip() and not line.startswith(b"Traceback"):
                self._fired.append(time.perf_counter())

    async def detected(self, clip: Clip, chunk_ms: int = CHUNK_MS) -> bool:
        process = self._service.process
        assert process is not None and process.stdin is not None
        started = time.perf_counter()
        async for chunk in paced(clip.pcm, chunk_ms):
            process.stdin.write(chunk)
            process.stdin.flush()
        await asyncio.sleep(0.3)
        return any(t >= started for t in self._fired)
