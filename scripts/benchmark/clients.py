"""What a client does, timed: ask for a transcript, speech, a wake word; the microphone's
audio at real-time pace. The same code (testbed/wyoming_client.py) talks to our engine and
to the peers.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
import time
from dataclasses import dataclass

from wyoming.audio import AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.ping import Ping, Pong
from wyoming.wake import Detect, Detection, NotDetected

from testbed.speech import paced
from testbed.wyoming_client import Timing, send_audio, synthesize, transcribe

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


async def timed_transcript(port: int, clip: Clip) -> SttResult:
    """Speak a clip into the server at real-time pace; time audio-stop → transcript."""
    timing = Timing()
    text = await transcribe(
        HOST,
        port,
        clip.pcm,
        chunk_ms=CHUNK_MS,
        realtime=True,
        within=clip.seconds + _TIMEOUT,
        timing=timing,
    )
    return SttResult(text, timing.answered - timing.asked)


async def timed_speech(port: int, text: str) -> TtsResult:
    """Ask for speech; time the first audio chunk and the end of the audio."""
    timing = Timing()
    speech = await synthesize(HOST, port, text, VOICE, within=_TIMEOUT, timing=timing)
    total = timing.answered - timing.asked
    first = total if math.isnan(timing.first) else timing.first - timing.asked
    return TtsResult(first, total, speech.seconds)


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
            await send_audio(client, clip.pcm, chunk_ms=chunk_ms, realtime=True, end=False)
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
