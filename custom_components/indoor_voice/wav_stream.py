"""Reading PCM out of a WAV byte stream as it arrives (our TTS streams WAV of unknown length)."""

from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass(frozen=True)
class PcmFormat:
    rate: int
    width: int
    channels: int


class WavStream:
    """Feed bytes in; get the format once the header is complete, and PCM after it."""

    def __init__(self) -> None:
        self._buffer = b""
        self.format: PcmFormat | None = None
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
        fmt: PcmFormat | None = None
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
                self._remaining = None if size in (0, 0xFFFFFFFF) else size
                self._buffer = buffer[body:]
                return True
            if len(buffer) < body + size:
                return False
            if chunk_id == b"fmt ":
                _, channels, rate, _, _, bits = struct.unpack("<HHIIHH", buffer[body : body + 16])
                fmt = PcmFormat(rate=rate, width=bits // 8, channels=channels)
            offset = body + size + (size & 1)
        return False
