"""The satellite's stop word: how often "stop" said on its own is heard, and how often other
speech is taken for it (false triggers). No peer has one to compare with; not a test."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from indoor_voice_satellite.stop_word import StopWord
from tests.support.speech import RATE, silence

from .corpus import COMMANDS, ESPEAK_VOICES, PIPER, Speaker, quiet_room

STOP = ("stop", "stop!")
STOP_INSIDE = (
    "don't stop the music",
    "stop the music",
    "please stop",
    "the bus stop is on the corner",
    "can you stop by the shop later",
)
SHORT_WORDS = ("so", "sure", "six", "start", "stuff", "spot", "yes", "no", "okay", "snap")
CHUNK_BYTES = 2560  # 80 ms, as the satellite reads its microphone


@dataclass(frozen=True)
class StopWordFigures:
    heard: int
    said: int
    false_inside: int
    inside: int
    false_short: int
    short: int
    false_commands: int
    commands: int
    speech_seconds: float  # of other speech
    cpu_percent: float  # of one core, per second of audio


def _triggers(detector: StopWord, pcm: bytes) -> int:
    return sum(detector.feed(pcm[i : i + CHUNK_BYTES]) for i in range(0, len(pcm), CHUNK_BYTES))


def measure(quick: bool) -> StopWordFigures:
    speaker = Speaker()
    voices = (*ESPEAK_VOICES, PIPER)
    noise = quiet_room(3.0).pcm  # each utterance in a quiet room's hiss, a pause either side

    def clip(text: str, voice: str) -> bytes:
        said = silence(1.0) + speaker.say(text, voice) + silence(1.0)
        spoken = np.frombuffer(said, dtype=np.int16).astype(np.int32)
        room = np.resize(np.frombuffer(noise, dtype=np.int16), len(spoken))
        return np.clip(spoken + room, -32768, 32767).astype(np.int16).tobytes()

    commands = COMMANDS[:4] if quick else COMMANDS
    audio_seconds, cpu = 0.0, 0.0

    def count(texts: tuple[str, ...]) -> tuple[int, int, float]:
        nonlocal audio_seconds, cpu
        hits, seconds = 0, 0.0
        for text in texts:
            for voice in voices:
                pcm = clip(text, voice)
                started = time.process_time()
                hits += _triggers(StopWord(), pcm) > 0
                cpu += time.process_time() - started
                seconds += len(pcm) / 2 / RATE
        audio_seconds += seconds
        return hits, len(texts) * len(voices), seconds

    heard, said, _ = count(STOP)
    false_inside, inside, s1 = count(STOP_INSIDE)
    false_short, short, s2 = count(SHORT_WORDS)
    false_commands, n_commands, s3 = count(tuple(commands))
    return StopWordFigures(
        heard,
        said,
        false_inside,
        inside,
        false_short,
        short,
        false_commands,
        n_commands,
        s1 + s2 + s3,
        100 * cpu / audio_seconds,
    )


def report(figures: StopWordFigures) -> list[str]:
    f = figures
    false = f.false_inside + f.false_short + f.false_commands
    return [
        "stop word (satellite, on device; espeak-ng in 5 accents and Piper, in a quiet room):",
        f"  'stop' said on its own: heard {f.heard}/{f.said}",
        f"  false triggers: 'stop' inside other speech {f.false_inside}/{f.inside}, "
        f"other short words {f.false_short}/{f.short}, commands {f.false_commands}/{f.commands}"
        f" — {false} in {f.speech_seconds:.0f} s of other speech",
        f"  cost: {f.cpu_percent:.2f} % of one core (only while a timer rings or a reply plays)",
    ]
