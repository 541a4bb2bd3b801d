"""One sound as several rooms hear it: quieter, a little later, with the room's echo and a
little noise. Deterministic (seeded), so a test hears the same rooms every run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 16_000


@dataclass(frozen=True)
class Room:
    gain: float  # 1.0: as spoken; 0.2: a room away
    delay_ms: float  # sound's travel, up to ~30 ms across a home
    echo_seconds: float  # reverberation time (RT60); 0 for none
    noise_dbfs: float = -65.0
    seed: int = 0

    def hear(self, pcm: bytes) -> bytes:
        """16 kHz 16-bit mono `pcm` as this room's microphone hears it (same length)."""
        rng = np.random.default_rng(self.seed)
        dry = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
        wet = dry
        if self.echo_seconds > 0:
            taps = int(self.echo_seconds * RATE)
            decay = np.exp(-6.9 * np.arange(taps) / taps)  # -60 dB at echo_seconds
            response = rng.standard_normal(taps) * decay * 0.05
            response[0] = 1.0
            wet = np.convolve(dry, response)[: dry.size]
            wet *= np.max(np.abs(dry)) / max(np.max(np.abs(wet)), 1.0)
        shift = int(self.delay_ms * RATE / 1000)
        wet = np.concatenate((np.zeros(shift), wet))[: dry.size] * self.gain
        wet += rng.standard_normal(dry.size) * 32768 * 10 ** (self.noise_dbfs / 20)
        return np.clip(wet, -32768, 32767).astype(np.int16).tobytes()


# The same words, heard in three rooms of one home: where it was said, next door, and down the hall
NEAR = Room(gain=1.0, delay_ms=0, echo_seconds=0.2, seed=1)
NEXT_DOOR = Room(gain=0.3, delay_ms=8, echo_seconds=0.4, seed=2)
DOWN_THE_HALL = Room(gain=0.15, delay_ms=20, echo_seconds=0.5, noise_dbfs=-60, seed=3)
