"""Audio formats: validating what clients announce and converting it to 16 kHz mono."""

from __future__ import annotations

import numpy as np
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioFormat

from .limits import Limits

RATE = 16_000
WIDTH = 2
CHANNELS = 1


class AudioFormatError(ValueError):
    """The client announced or sent audio the engine cannot read."""


def parse_format(data: dict[str, object], limits: Limits) -> AudioFormat:
    """Validate `rate`, `width` and `channels` from an audio-start or audio-chunk event."""
    try:
        rate, width, channels = (data["rate"], data["width"], data["channels"])
    except KeyError as err:
        raise AudioFormatError(f"audio format is missing {err.args[0]!r}") from err
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (rate, width, channels)):
        raise AudioFormatError("rate, width and channels must be integers")
    assert isinstance(rate, int) and isinstance(width, int) and isinstance(channels, int)
    if not limits.min_rate <= rate <= limits.max_rate:
        raise AudioFormatError(
            f"sample rate {rate} Hz is outside {limits.min_rate}-{limits.max_rate} Hz"
        )
    if width not in limits.widths:
        raise AudioFormatError(f"sample width {width} bytes is not one of {limits.widths}")
    if not 1 <= channels <= limits.max_channels:
        raise AudioFormatError(f"channel count {channels} is outside 1-{limits.max_channels}")
    return AudioFormat(rate=rate, width=width, channels=channels)


class ToSpeechFormat:
    """Converts a client's audio stream to 16 kHz, 16-bit mono samples.

    One instance per stream: resampling carries state from chunk to chunk.
    """

    def __init__(self) -> None:
        self._converter = AudioChunkConverter(rate=RATE, width=WIDTH, channels=CHANNELS)

    def convert(self, fmt: AudioFormat, audio: bytes) -> np.ndarray:
        """Return int16 samples at 16 kHz mono."""
        frame_bytes = fmt.width * fmt.channels
        if len(audio) % frame_bytes:
            raise AudioFormatError(
                f"audio chunk of {len(audio)} bytes is not a whole number of "
                f"{frame_bytes}-byte frames"
            )
        channels = fmt.channels
        if channels > 2:
            # audioop mixes only stereo; keep the first channel of wider layouts.
            frames = np.frombuffer(audio, dtype=np.uint8).reshape(-1, channels, fmt.width)
            audio = frames[:, 0, :].tobytes()
            channels = 1
        chunk = AudioChunk(rate=fmt.rate, width=fmt.width, channels=channels, audio=audio)
        try:
            converted = self._converter.convert(chunk)
        except Exception as err:  # audioop.error is not importable under one name everywhere
            raise AudioFormatError(f"cannot convert audio: {err}") from err
        return np.frombuffer(converted.audio, dtype=np.int16)
