"""Test audio, made at test time: espeak-ng (a voice unrelated to ours) and silence."""

from __future__ import annotations

import asyncio
import io
import subprocess
import time
import wave
from collections.abc import AsyncIterator

import numpy as np
from wyoming.audio import AudioChunk, AudioChunkConverter

RATE = 16_000

# espeak-ng applies a variant ("+f4") only to a voice named as its file is: British English's
# file is "en", and "en-gb+f4" speaks plain en-gb, the variant silently dropped.
_VOICE_FILES = {"en-gb": "en"}


def _espeak_voice(voice: str) -> str:
    """The name under which espeak-ng speaks `voice` ("en-gb+f4") with its variant."""
    name, plus, variant = voice.partition("+")
    return _VOICE_FILES.get(name, name) + plus + variant if plus else voice


def convert(
    pcm: bytes,
    rate: int,
    width: int,
    channels: int,
    *,
    to_rate: int = RATE,
    to_width: int = 2,
    to_channels: int = 1,
) -> bytes:
    """Convert raw PCM between formats."""
    converter = AudioChunkConverter(rate=to_rate, width=to_width, channels=to_channels)
    chunk = AudioChunk(rate=rate, width=width, channels=channels, audio=pcm)
    return converter.convert(chunk).audio


def espeak(
    text: str, voice: str = "en-us", rate: int = RATE, speed: int = 150, pitch: int | None = None
) -> bytes:
    """16-bit mono PCM of espeak-ng speaking `text` (`voice` may name a variant, "en-us+f3";
    `pitch` 0-99, espeak-ng's own 50 unless given)."""
    pitched = ["-p", str(pitch)] if pitch is not None else []
    wav = subprocess.run(
        ["espeak-ng", "-v", _espeak_voice(voice), "-s", str(speed), *pitched, "--stdout", text],
        capture_output=True,
        check=True,
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        pcm = reader.readframes(reader.getnframes())
        return convert(
            pcm, reader.getframerate(), reader.getsampwidth(), reader.getnchannels(), to_rate=rate
        )


async def paced(pcm: bytes, chunk_ms: int = 10, stretch: float = 1.0) -> AsyncIterator[bytes]:
    """16 kHz 16-bit mono audio in chunks at real-time pace, against the clock (no drift);
    `stretch` times slower for a machine busier than its cores (testbed.busy).

    Ends once the last chunk's duration has passed, as a real microphone would.
    """
    step = RATE * chunk_ms // 1000 * 2
    started = time.perf_counter()
    for index, offset in enumerate(range(0, len(pcm), step)):
        if (wait := started + index * chunk_ms / 1000 * stretch - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        yield pcm[offset : offset + step]
    if (wait := started + len(pcm) / 2 / RATE * stretch - time.perf_counter()) > 0:
        await asyncio.sleep(wait)


def trimmed(pcm: bytes, threshold: int = 100) -> bytes:
    """16-bit audio without the quiet before and after the speech (espeak-ng and Piper add
    some), so that a pause put between two pieces is as long as it says."""
    samples = np.frombuffer(pcm, dtype=np.int16)
    frames = samples[: samples.size // 160 * 160].reshape(-1, 160).astype(np.float32)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > threshold)
    if not loud.size:
        return b""
    return pcm[loud[0] * 320 : (loud[-1] + 1) * 320]


def pause(*parts: bytes, seconds: float) -> bytes:
    """The pieces of speech, trimmed, with `seconds` of silence between them."""
    return silence(seconds).join(trimmed(part) for part in parts)


def silence(seconds: float, rate: int = RATE) -> bytes:
    return bytes(int(seconds * rate) * 2)


def wav_bytes(pcm: bytes, rate: int, width: int = 2, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setframerate(rate)
        writer.setsampwidth(width)
        writer.setnchannels(channels)
        writer.writeframes(pcm)
    return buffer.getvalue()


def read_wav(data: bytes) -> tuple[bytes, int, int, int]:
    """PCM, rate, width, channels of a WAV file held in memory.

    A streamed WAV (Home Assistant's wyoming text-to-speech since 2026.x) says 0 frames in its
    header, written before the length was known: then all that follows the header is audio.
    """
    with wave.open(io.BytesIO(data)) as reader:
        frames = reader.getnframes()
        pcm = reader.readframes(frames) if frames else data[_data_offset(data) :]
        return pcm, reader.getframerate(), reader.getsampwidth(), reader.getnchannels()


def _data_offset(data: bytes) -> int:
    """Where the samples of a WAV file start (after the `data` chunk's header)."""
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = (
            data[offset : offset + 4],
            int.from_bytes(data[offset + 4 : offset + 8], "little"),
        )
        if chunk == b"data":
            return offset + 8
        offset += 8 + size + (size & 1)
    raise ValueError("no data chunk in this WAV")
