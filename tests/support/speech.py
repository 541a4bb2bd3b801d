"""Test audio, made at test time: espeak-ng (a voice unrelated to ours) and silence."""

from __future__ import annotations

import io
import subprocess
import wave

from wyoming.audio import AudioChunk, AudioChunkConverter

RATE = 16_000


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


def espeak(text: str, voice: str = "en-us", rate: int = RATE, speed: int = 150) -> bytes:
    """16-bit mono PCM of espeak-ng speaking `text`."""
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
        capture_output=True,
        check=True,
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        pcm = reader.readframes(reader.getnframes())
        return convert(
            pcm, reader.getframerate(), reader.getsampwidth(), reader.getnchannels(), to_rate=rate
        )


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
    """PCM, rate, width, channels of a WAV file held in memory."""
    with wave.open(io.BytesIO(data)) as reader:
        return (
            reader.readframes(reader.getnframes()),
            reader.getframerate(),
            reader.getsampwidth(),
            reader.getnchannels(),
        )
