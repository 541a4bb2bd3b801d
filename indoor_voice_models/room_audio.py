"""Speech and room sound made on this machine: espeak-ng voices, room noise, music-like
sound and reverberation. The wake word head is trained on it at install time
(train_wake), and the wake word benchmark's sets are made with it (scripts/wake-data).
Everything is 16 kHz mono; float32 until `to_int16`."""

from __future__ import annotations

import io
import subprocess
import wave

import numpy as np

RATE = 16_000


def espeak(text: str, voice: str, pitch: int, speed: int) -> np.ndarray:
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "--stdout", text],
        capture_output=True,
        check=True,
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
        return resample(samples.astype(np.float32), reader.getframerate())


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == RATE:
        return samples
    positions = np.arange(0, samples.size, rate / RATE)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


def room_noise(rng: np.random.Generator, size: int) -> np.ndarray:
    """Brown-ish noise with a hum: a fridge, a fan, traffic outside. Unit RMS."""
    noise = np.cumsum(rng.normal(size=size))
    noise -= _moving_average(noise, 801)
    t = np.arange(size) / RATE
    noise = noise / (np.std(noise) + 1e-9) + 0.3 * np.sin(2 * np.pi * rng.choice([50, 60]) * t)
    return (noise / (np.std(noise) + 1e-9)).astype(np.float32)


def _moving_average(samples: np.ndarray, width: int) -> np.ndarray:
    padded = np.concatenate([np.full(width // 2, samples[0]), samples, np.full(width, samples[-1])])
    sums = np.cumsum(padded)
    return (sums[width : width + samples.size] - sums[: samples.size]) / width


def _convolve(samples: np.ndarray, response: np.ndarray) -> np.ndarray:
    """By FFT: a 10-minute stream with a 0.6 s room takes a second, not an hour."""
    size = 1 << int(np.ceil(np.log2(samples.size + response.size)))
    spectrum = np.fft.rfft(samples, size) * np.fft.rfft(response, size)
    return np.fft.irfft(spectrum, size)[: samples.size]


def music(rng: np.random.Generator, size: int) -> np.ndarray:
    """Music-like sound: chords of harmonic tones on a beat, changing every half bar. Unit RMS."""
    out = np.zeros(size, dtype=np.float32)
    beat = int(RATE * rng.uniform(0.4, 0.7))
    for start in range(0, size, beat * 2):
        end = min(size, start + beat * 2)
        t = np.arange(end - start) / RATE
        root = 110 * 2 ** (rng.integers(0, 12) / 12)
        chord = sum(
            np.sin(2 * np.pi * root * ratio * h * t) / h
            for ratio in (1, 1.26, 1.5)
            for h in (1, 2, 3)
        )
        envelope = np.exp(-3 * (t % (beat / RATE)))
        out[start:end] = chord * envelope
    return out / (np.std(out) + 1e-9)


def reverb(rng: np.random.Generator, samples: np.ndarray) -> np.ndarray:
    """A room's reverberation: a synthetic impulse response decaying in 0.2-0.6 s (RT60), its
    tail 0-6 dB below the direct sound (a speaker a metre or two from the microphone)."""
    rt60 = rng.uniform(0.2, 0.6)
    t = np.arange(1, int(RATE * rt60)) / RATE
    tail = rng.normal(size=t.size) * np.exp(-6.9 * t / rt60)
    direct_to_reverb_db = rng.uniform(0, 6)
    tail *= np.sqrt(10 ** (-direct_to_reverb_db / 10) / np.sum(tail**2))
    response = np.concatenate([[1.0], tail])
    wet = _convolve(samples.astype(np.float64), response)
    return (wet * np.std(samples) / (np.std(wet) + 1e-9)).astype(np.float32)


def mix(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    loud = speech[np.abs(speech) > 0.05 * np.max(np.abs(speech))]
    level = float(np.sqrt(np.mean(loud**2))) if loud.size else 1.0
    return speech + noise * level / 10 ** (snr_db / 20)


def to_int16(samples: np.ndarray, peak_dbfs: float) -> np.ndarray:
    peak = float(np.max(np.abs(samples))) or 1.0
    scaled = samples * (32767 * 10 ** (peak_dbfs / 20) / peak)
    return np.clip(scaled, -32768, 32767).astype(np.int16)
