"""WAV in and out: a whole file of PCM (a kept clip), the header of a stream of unknown
length (our TTS streams WAV sentence by sentence), and PCM read out of such a stream as it
arrives."""

from __future__ import annotations

import io
import struct
import wave

from wyoming.audio import AudioFormat

_UNKNOWN_SIZE = 0xFFFFFFFF  # WAV length field of a stream whose end is not known yet


def wav_file(pcm: bytes, fmt: AudioFormat) -> bytes:
    """A complete WAV file of `pcm`."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setframerate(fmt.rate)
        writer.setsampwidth(fmt.width)
        writer.setnchannels(fmt.channels)
        writer.writeframes(pcm)
    return buffer.getvalue()


def wav_header(fmt: AudioFormat) -> bytes:
    """RIFF/WAVE header for PCM audio of not-yet-known length."""
    rate, width, channels = fmt.rate, fmt.width, fmt.channels
    return (
        b"RIFF"
        + struct.pack("<I", _UNKNOWN_SIZE)
        + b"WAVEfmt "
        + struct.pack(
            "<IHHIIHH", 16, 1, channels, rate, rate * width * channels, width * channels, width * 8
        )
        + b"data"
        + struct.pack("<I", _UNKNOWN_SIZE)
    )


def seconds_of(pcm_bytes: int, fmt: AudioFormat) -> float:
    """How long `pcm_bytes` bytes of audio in `fmt` play."""
    return pcm_bytes / (fmt.rate * fmt.width * fmt.channels)


class WavStream:
    """Feed bytes in; get the format once the header is complete, and PCM after it."""

    def __init__(self) -> None:
        self._buffer = b""
        self.format: AudioFormat | None = None
        self._remaining: int | None = None  # bytes of PCM left, when the header says

    def feed(self, data: bytes) -> bytes:
        """PCM contained in `data` (and in what was held back before)."""
        if self.format is None:
            self._buffer += data
            if not self._parse_header():
                return b""
            data, self._buffer = self._buffer, b""
        if self._remaining is not None:
            data = data[: self._remaining]
            self._remaining -= len(data)
        return data

    def _parse_header(self) -> bool:
        buffer = self._buffer
        if len(buffer) < 12:
            return False
        if buffer[:4] != b"RIFF" or buffer[8:12] != b"WAVE":
            raise ValueError("not a WAV stream")
        offset = 12
        fmt: AudioFormat | None = None
        while len(buffer) >= offset + 8:
            chunk_id = buffer[offset : offset + 4]
            (size,) = struct.unpack("<I", buffer[offset + 4 : offset + 8])
            body = offset + 8
            if chunk_id == b"data":
                if fmt is None:
                    raise ValueError("WAV data before its format")
                self.format = fmt
                # A stream of unknown length says 0 (Home Assistant's wyoming TTS since 2026.x)
                # or 0xFFFFFFFF (ours) in the header: then everything after it is audio.
                self._remaining = None if size in (0, _UNKNOWN_SIZE) else size
                self._buffer = buffer[body:]
                return True
            if len(buffer) < body + size:
                return False
            if chunk_id == b"fmt ":
                _, channels, rate, _, _, bits = struct.unpack("<HHIIHH", buffer[body : body + 16])
                fmt = AudioFormat(rate=rate, width=bits // 8, channels=channels)
            offset = body + size + (size & 1)
        return False
