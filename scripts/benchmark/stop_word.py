"""The satellite's stop word: how often "stop" said on its own is heard, how soon after the
word it is decided, and how often other speech is taken for it (false triggers). No peer has
one to compare with; not a test."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from statistics import median

import numpy as np

from indoor_voice_satellite.stop_word import StopWord
from testbed.speech import RATE, silence

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
LEAD_SECONDS = 1.0  # quiet before and after each utterance
AUDIBLE = 0.01 * 32768  # the end of the word: its last sample above -40 dBFS


@dataclass
class _Count:
    triggered: int = 0
    said: int = 0
    seconds: float = 0.0
    delays: list[float] = field(default_factory=list)  # s from the word's end to the decision


@dataclass(frozen=True)
class StopWordFigures:
    stop: _Count
    inside: _Count
    short: _Count
    commands: _Count
    cpu_percent: float  # of one core, per second of audio


def measure(quick: bool) -> StopWordFigures:
    speaker = Speaker()
    voices = (*ESPEAK_VOICES, PIPER)
    room = np.frombuffer(quiet_room(3.0).pcm, dtype=np.int16)
    cpu, audio_seconds = 0.0, 0.0

    def count(texts: tuple[str, ...]) -> _Count:
        nonlocal cpu, audio_seconds
        result = _Count()
        for text in texts:
            for voice in voices:
                words = np.frombuffer(speaker.say(text, voice), dtype=np.int16)
                loud = np.flatnonzero(np.abs(words.astype(np.int32)) > AUDIBLE)
                word_end = LEAD_SECONDS + (loud[-1] if len(loud) else 0) / RATE
                said = silence(LEAD_SECONDS) + words.tobytes() + silence(LEAD_SECONDS)
                spoken = np.frombuffer(said, dtype=np.int16).astype(np.int32)
                mixed = np.clip(spoken + np.resize(room, len(spoken)), -32768, 32767)
                pcm = mixed.astype(np.int16).tobytes()
                started = time.process_time()
                decided = _first_trigger(pcm)
                cpu += time.process_time() - started
                result.said += 1
                result.seconds += len(pcm) / 2 / RATE
                if decided is not None:
                    result.triggered += 1
                    result.delays.append(decided - word_end)
        audio_seconds += result.seconds
        return result

    stop = count(STOP)
    inside, short = count(STOP_INSIDE), count(SHORT_WORDS)
    commands = count(COMMANDS[:4] if quick else COMMANDS)
    return StopWordFigures(stop, inside, short, commands, 100 * cpu / audio_seconds)


def _first_trigger(pcm: bytes) -> float | None:
    """Seconds into the audio at which the detector said "stop", fed as the satellite feeds it."""
    detector = StopWord()
    for start in range(0, len(pcm), CHUNK_BYTES):
        if detector.feed(pcm[start : start + CHUNK_BYTES]):
            return (start + CHUNK_BYTES) / 2 / RATE
    return None


def report(figures: StopWordFigures) -> list[str]:
    f = figures
    other = (f.inside, f.short, f.commands)
    false = sum(c.triggered for c in other)
    delay = f"{1000 * median(f.stop.delays):.0f} ms" if f.stop.delays else "-"
    return [
        "stop word (satellite, on device; espeak-ng in 5 accents and Piper, in a quiet room):",
        f"  'stop' said on its own: heard {f.stop.triggered}/{f.stop.said}, decided {delay} "
        "(median) after the word's end, in microphone audio",
        f"  false triggers: 'stop' inside other speech {f.inside.triggered}/{f.inside.said}, "
        f"other short words {f.short.triggered}/{f.short.said}, "
        f"commands {f.commands.triggered}/{f.commands.said} — {false} in "
        f"{sum(c.seconds for c in other):.0f} s of other speech",
        f"  cost: {f.cpu_percent:.2f} % of one core (only while a timer rings or a reply plays)",
    ]
