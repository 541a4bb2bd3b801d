"""The wake word's fingerprint the satellite sends with it (`indoor_voice_link.wake_print`
says what it is for and how Home Assistant compares two): loudness and pitch per 20 ms of the
last 1.28 s, computed here with numpy."""

from __future__ import annotations

import numpy as np

from indoor_voice_link.wake_print import FLOOR_DB, FRAME_SAMPLES, FRAMES, MAX_PITCH_HZ, WakePrint

_RATE = 16_000
_MIN_PITCH_HZ = 70
_VOICED = 0.5  # autocorrelation at the pitch period, relative to the frame's energy
_AUDIBLE_DBFS = -70.0  # quieter frames carry no pitch worth comparing


def wake_print(samples: np.ndarray) -> WakePrint:
    """The fingerprint of the last FRAMES * 20 ms of 16 kHz int16 `samples`."""
    wanted = FRAMES * FRAME_SAMPLES
    audio = samples[-wanted:].astype(np.float64)
    audio = np.concatenate((np.zeros(wanted + FRAME_SAMPLES - audio.size), audio))
    frames = audio[FRAME_SAMPLES:].reshape(FRAMES, FRAME_SAMPLES)
    power = np.mean(frames**2, axis=1) / 32768.0**2
    levels = np.clip(np.round(10 * np.log10(np.maximum(power, 1e-12))), FLOOR_DB, 0)
    return WakePrint(
        levels=tuple(int(v) for v in levels),
        pitch=tuple(int(v) for v in _pitch(audio, levels)),
    )


def _pitch(audio: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Hz per frame from the autocorrelation of 40 ms around it (this frame and the one
    before); 0 where unvoiced or quiet."""
    window = 2 * FRAME_SAMPLES
    starts = np.arange(FRAMES) * FRAME_SAMPLES
    windows = np.stack([audio[s : s + window] for s in starts])
    windows -= windows.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(windows, n=2 * window, axis=1)
    correlation = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, :window]
    shortest, longest = _RATE // MAX_PITCH_HZ, _RATE // _MIN_PITCH_HZ
    period = shortest + np.argmax(correlation[:, shortest:longest], axis=1)
    at_period = correlation[np.arange(FRAMES), period]
    voiced = (at_period > _VOICED * correlation[:, 0]) & (levels > _AUDIBLE_DBFS)
    return np.where(voiced, np.round(_RATE / period), 0).astype(int)
