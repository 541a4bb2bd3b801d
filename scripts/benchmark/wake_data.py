"""Wake word audio made here, never committed: a development set (to tune on) and a separate
test set (to report), each with positives ("hey jarvis" in many voices, in room noise at
10-20 dB SNR, some with reverberation) and negatives (long texts read in many voices, near
misses woven in, some over music-like noise, as a TV gives).

The two sets share no voice variant, no text and no random seed. Everything is 16 kHz mono
int16, written under .wake-data/ (git-ignored):

    SET/positives.raw + positives.json   clips one after another; the index gives each one's
                                         offset, length (samples) and how it was made
    SET/negatives-NN.raw + negatives.json  continuous streams of about ten minutes
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indoor_voice_models.room_audio import (
    RATE,
    espeak,
    mix,
    music,
    resample,
    reverb,
    room_noise,
    to_int16,
)

from .paths import REPO

DATA = REPO / ".wake-data"
MODELS = REPO / ".models"

# Caribbean English, Scottish, New York, Indian English, Received Pronunciation, female
# variants (+f1..+f5), male variants, high and low pitch, fast and slow.
_DEV_VOICES = ["en-us", "en-gb", "en-029", "en-gb-scotland", "en-in", "en-us-nyc", "en-gb-x-rp"]
_DEV_VARIANTS = ["", "+f1", "+f2", "+m3"]
_TEST_VOICES = ["en-us", "en-029", "en-gb-scotland", "en-in", "en-us-nyc", "en-gb-x-gbclan"]
_TEST_VARIANTS = ["+f3", "+f4", "+f5", "+m1", ""]

_WAKE_TEXTS = [
    "hey jarvis",
    "hey jarvis, turn on the kitchen light",
    "hey jarvis, what time is it",
    "hey jarvis, set a timer for ten minutes",
]
# One sound away from the phrase, or the name alone: none of these should wake it.
_NEAR_MISSES = [
    "hey jarvie, are you coming",
    "jarvis said he would call",
    "hey travis, pass the salt",
    "hey marvin, good morning",
    "we saw jervis at the harvest fair",
    "hey service desk, it is me again",
    "hey there, jars of jam are in the pantry",
    "harvest is late this year",
]


@dataclass(frozen=True)
class Split:
    name: str
    voices: list[str]
    variants: list[str]
    pitches: list[int]
    speeds: list[int]
    piper_scales: list[float]
    texts: list[Path]
    seed: int
    negative_minutes: float


SPLITS = {
    "dev": Split(
        "dev",
        _DEV_VOICES,
        _DEV_VARIANTS,
        [35, 50, 70, 90],
        [130, 160, 195],
        [0.85, 1.2],
        [Path("/usr/share/common-licenses/GPL-3"), Path("/usr/share/common-licenses/Artistic")],
        1,
        180.0,
    ),
    "test": Split(
        "test",
        _TEST_VOICES,
        _TEST_VARIANTS,
        [25, 60, 80, 99],
        [140, 175, 210],
        [0.8, 1.3],
        [
            Path("/usr/share/common-licenses/Apache-2.0"),
            Path("/usr/share/common-licenses/GFDL-1.3"),
            Path("/usr/share/common-licenses/GPL-2"),
            Path("/usr/share/common-licenses/MPL-2.0"),
        ],
        2,
        190.0,
    ),
}


def _piper(texts: list[str], scales: list[float]) -> list[tuple[str, float, np.ndarray]]:
    """Piper's en_US-joe-medium, faster and slower (length_scale)."""
    from piper import PiperVoice, SynthesisConfig  # noqa: PLC0415 - only in the programs' venv

    model = MODELS / "tts" / "en_US-joe-medium" / "en_US-joe-medium.onnx"
    voice = PiperVoice.load(str(model))
    made = []
    for text in texts:
        for scale in scales:
            config = SynthesisConfig(length_scale=scale)
            chunks = list(voice.synthesize(text, syn_config=config))
            audio = np.concatenate([c.audio_int16_array for c in chunks]).astype(np.float32)
            made.append((text, scale, resample(audio, chunks[0].sample_rate)))
    return made


# -- positives ----------------------------------------------------------------------------------


def _positive_specs(split: Split) -> Iterator[dict[str, object]]:
    rng = random.Random(split.seed)  # noqa: S311 - reproducible test audio, not secrets
    for voice in split.voices:
        for variant in split.variants:
            for pitch in split.pitches:
                yield {
                    "voice": voice + variant,
                    "pitch": pitch,
                    "speed": rng.choice(split.speeds),
                    "text": rng.choice(_WAKE_TEXTS),
                }


def _finish_positive(
    speech: np.ndarray, rng: np.random.Generator, spec: dict[str, object]
) -> np.ndarray:
    snr = float(rng.uniform(10, 20))
    reverberant = bool(rng.random() < 0.5)
    if reverberant:
        speech = reverb(rng, speech)
    padded = np.concatenate([np.zeros(RATE), speech, np.zeros(int(RATE * 2.5))])
    mixed = mix(padded, room_noise(rng, padded.size), snr)
    spec.update(snr_db=round(snr, 1), reverb=reverberant)
    return to_int16(mixed, float(rng.uniform(-30, -3)))  # near and far from the microphone


def make_positives(split: Split, folder: Path) -> None:
    rng = np.random.default_rng(split.seed)
    clips: list[tuple[dict[str, object], np.ndarray]] = []
    for spec in _positive_specs(split):
        text, voice = str(spec["text"]), str(spec["voice"])
        speech = espeak(text, voice, int(str(spec["pitch"])), int(str(spec["speed"])))
        clips.append((spec, _finish_positive(speech, rng, spec)))
    for text, scale, speech in _piper(_WAKE_TEXTS, split.piper_scales):
        spec = {"voice": f"piper en_US-joe-medium x{scale}", "text": text}
        clips.append((spec, _finish_positive(speech, rng, spec)))
    index, offset = [], 0
    with (folder / "positives.raw").open("wb") as out:
        for spec, pcm in clips:
            out.write(pcm.tobytes())
            index.append({**spec, "offset": offset, "length": int(pcm.size)})
            offset += pcm.size
    (folder / "positives.json").write_text(json.dumps(index, indent=1))


# -- negatives ----------------------------------------------------------------------------------


def _sentences(texts: list[Path]) -> list[str]:
    words = " ".join(p.read_text(errors="replace") for p in texts if p.is_file()).split()
    words = [w for w in words if any(c.isalpha() for c in w)]
    return [" ".join(words[i : i + 40]) for i in range(0, len(words), 40)]


def _negative_stream(
    job: tuple[Split, int, list[str], float],
) -> tuple[str, list[dict[str, object]]]:
    split, number, sentences, minutes = job
    rng = np.random.default_rng(split.seed * 1000 + number)
    pick = random.Random(split.seed * 1000 + number)  # noqa: S311 - reproducible test audio
    target = int(minutes * 60 * RATE)
    parts: list[np.ndarray] = []
    index: list[dict[str, object]] = []
    total = 0
    position = pick.randrange(len(sentences))
    while total < target:
        voice = pick.choice(split.voices) + pick.choice(split.variants)
        pitch, speed = pick.choice(split.pitches), pick.choice(split.speeds)
        if pick.random() < 0.15:
            text, kind = pick.choice(_NEAR_MISSES), "near miss"
        else:
            text, kind = sentences[position % len(sentences)], "read text"
            position += 1
        speech = espeak(text, voice, pitch, speed)
        speech = np.concatenate([speech, np.zeros(int(RATE * pick.uniform(0.2, 1.5)))])
        parts.append(speech)
        index.append({"offset": total, "voice": voice, "kind": kind})
        total += speech.size
    stream = np.concatenate(parts)[:target]
    background = "music" if number % 3 == 2 else "room"
    noise = music(rng, stream.size) if background == "music" else room_noise(rng, stream.size)
    snr = 10.0 if background == "music" else float(rng.uniform(10, 20))
    mixed = mix(reverb(rng, stream) if number % 2 else stream, noise, snr)
    name = f"negatives-{number:02d}.raw"
    (DATA / split.name / name).write_bytes(to_int16(mixed, -6.0).tobytes())
    return name, [{"background": background, "snr_db": round(snr, 1), **i} for i in index]


def make_negatives(split: Split, folder: Path, workers: int) -> None:
    sentences = _sentences(split.texts)
    streams = max(1, round(split.negative_minutes / 10))
    minutes = split.negative_minutes / streams
    jobs = [(split, n, sentences, minutes) for n in range(streams)]
    with ProcessPoolExecutor(workers) as pool:
        made = dict(pool.map(_negative_stream, jobs))
    (folder / "negatives.json").write_text(json.dumps(made, indent=1))


def generate(names: list[str], workers: int = 2) -> None:
    for name in names:
        split = SPLITS[name]
        folder = DATA / name
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "positives.json").is_file():
            print(f"  {name}: positives", flush=True)
            make_positives(split, folder)
        if not (folder / "negatives.json").is_file():
            print(f"  {name}: {split.negative_minutes:.0f} min of negatives", flush=True)
            make_negatives(split, folder, workers)


def ready(name: str) -> bool:
    folder = DATA / name
    return (folder / "positives.json").is_file() and (folder / "negatives.json").is_file()
