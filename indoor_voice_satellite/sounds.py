"""The satellite's own sounds, made in code at start-up (no audio files), and its volume."""

from __future__ import annotations

import numpy as np
from wyoming.audio import AudioFormat

_CHIME_NOTES = ((880.0, 0.0), (1318.5, 0.16))  # A5 then E6: "ding-dong" before announcements
_CHIME_SECONDS = 0.7
_ALARM_BEEP_SECONDS, _ALARM_GAP_SECONDS, _ALARM_BEEPS = 0.12, 0.08, 4
_ALARM_HZ = 2_000.0
_ERROR_NOTES = ((494.0, 0.25), (330.0, 0.35))  # B4 then E4, falling: "that did not work"


def _to_pcm(mono: np.ndarray, output: AudioFormat) -> bytes:
    samples = np.clip(mono * 32767.0, -32768, 32767).astype(np.int16)
    return np.repeat(samples, output.channels).tobytes()


def chime(output: AudioFormat) -> bytes:
    """Two bell-like notes, fading out."""
    t = np.arange(int(_CHIME_SECONDS * output.rate)) / output.rate
    mono = np.zeros_like(t)
    for hz, start in _CHIME_NOTES:
        after = np.clip(t - start, 0.0, None)
        mono += np.where(t >= start, np.sin(2 * np.pi * hz * after) * np.exp(-6.0 * after), 0.0)
    return _to_pcm(0.3 * mono, output)


def alarm(output: AudioFormat) -> bytes:
    """One round of a timer's ringing: four short beeps and a pause (played again and again)."""
    beep_t = np.arange(int(_ALARM_BEEP_SECONDS * output.rate)) / output.rate
    envelope = np.minimum(1.0, np.minimum(beep_t, beep_t[::-1]) * 200.0)  # 5 ms ramps, no clicks
    beep = 0.4 * np.sin(2 * np.pi * _ALARM_HZ * beep_t) * envelope
    gap = np.zeros(int(_ALARM_GAP_SECONDS * output.rate))
    pause = np.zeros(int(0.6 * output.rate))
    return _to_pcm(
        np.concatenate([*(np.concatenate((beep, gap)) for _ in range(_ALARM_BEEPS)), pause]), output
    )


def error_tone(output: AudioFormat) -> bytes:
    """Two soft falling notes: a command failed (the engine or Home Assistant is away)."""
    parts = []
    for hz, seconds in _ERROR_NOTES:
        t = np.arange(int(seconds * output.rate)) / output.rate
        envelope = np.minimum(1.0, np.minimum(t, t[::-1]) * 100.0)  # 10 ms ramps, no clicks
        parts.append(0.35 * np.sin(2 * np.pi * hz * t) * envelope)
    return _to_pcm(np.concatenate(parts), output)


def scaled(pcm: bytes, gain: float) -> bytes:
    """16-bit audio at `gain` (0 to 1) of its level."""
    if gain >= 1.0:
        return pcm
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype=np.int16).astype(np.float32)
    return (samples * max(0.0, gain)).astype(np.int16).tobytes()
