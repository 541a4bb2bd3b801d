"""What a file speaker played, judged by ear in code: a timer's beeps, a chime, a level."""

from __future__ import annotations

import numpy as np

ALARM_HZ = 2_000.0
CHIME_HZ = 880.0
ERROR_HZ = 330.0  # the error tone's second, lower note


def _samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype=np.int16).astype(np.float64)


def rms(pcm: bytes) -> float:
    samples = _samples(pcm)
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


def tone_windows(pcm: bytes, rate: int, hz: float, window: float = 0.05) -> int:
    """How many windows of the audio are (almost) nothing but a tone of `hz`: beeps and bells
    are; speech never is."""
    samples = _samples(pcm)
    size = int(window * rate)
    count = 0
    for start in range(0, len(samples) - size, size):
        part = samples[start : start + size]
        spectrum = np.abs(np.fft.rfft(part * np.hanning(size))) ** 2
        total = float(spectrum.sum())
        if total < size * 100.0**2:  # quiet
            continue
        freqs = np.fft.rfftfreq(size, 1 / rate)
        near = float(spectrum[np.abs(freqs - hz) < 100].sum())
        count += near > 0.8 * total
    return count


def rings(pcm: bytes, rate: int) -> bool:
    """The satellite's timer alarm is in this audio (at least one beep)."""
    return tone_windows(pcm, rate, ALARM_HZ) >= 2


def sounds_an_error(pcm: bytes, rate: int) -> bool:
    """The satellite's error tone is in this audio."""
    return tone_windows(pcm, rate, ERROR_HZ) >= 2
