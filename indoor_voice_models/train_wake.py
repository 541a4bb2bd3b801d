"""Train the hey_jarvis head (wake_head.py) on this machine, from speech made here.

    python -m indoor_voice_models.train_wake [--models DIR] [--piper-model ONNX]
                                             [--workers N] [--if-missing]

Positives are "hey jarvis" in espeak-ng's British voices (three accents, two dozen voice
variants, several pitches, speeds and spellings) and Piper's joe when it is installed,
under room noise at 5-25 dB SNR (a third in a quiet room), half of them reverberant, near
and far. Negatives are
long texts read in the same voices, words one sound away ("jarvis" alone, "hey travis",
"hey service" ...), music-like sound and speech over it. Everything is seeded: the same
machine makes the same head. No espeak-ng accent or text of the wake word test set
(scripts/wake-data test) is used, so the test set measures how the head generalises.

The head is written to DIR/hey_jarvis_head.npz (DIR: the wake word models folder).
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .room_audio import RATE, espeak, mix, music, resample, reverb, room_noise, to_int16
from .wake import STEP_SAMPLES, WakeWordModels
from .wake_head import HEAD_FILE, HEAD_FRAMES, WakeHead, head_is_current

_LOGGER = logging.getLogger(__name__)

ACCENTS = ["en-gb", "en-gb-x-rp", "en-gb-x-gbcwmd"]
VARIANTS = [
    "",
    "+f1",
    "+f2",
    "+m2",
    "+m3",
    "+m4",
    "+m5",
    "+m6",
    "+m7",
    "+Annie",
    "+Alicia",
    "+Andrea",
    "+anika",
    "+linda",
    "+steph",
    "+belinda",
    "+aunty",
    "+grandma",
    "+klatt",
    "+klatt3",
    "+Alex",
    "+Andy",
    "+david",
    "+john",
]
PITCHES = [30, 45, 55, 70, 90]
SPEEDS = [125, 150, 165, 190, 220]
# Spellings that move espeak-ng's pronunciation the way accents do.
SPELLINGS = ["hey jarvis", "hay jarvis", "hey jaarvis", "hey jarviss", "hey jahrvis", "hey, jarvis"]
PIPER_SCALES = [0.9, 1.0, 1.15, 1.45]
# One sound away from the phrase, or the name without "hey": none of these may wake it.
NEAR_NAMES = [
    "jarvie",
    "jervis",
    "travis",
    "harvey",
    "marvis",
    "davis",
    "jarred",
    "service",
    "garvey",
    "carver",
    "charlie",
    "jasmine",
    "jars",
    "harvest",
    "there",
    "jersey",
]
NEAR_AFTER = ["", "is here", "said so", "can you come", "where are you", "please", "thanks"]
NEAR_MISSES = [f"hey {name} {after}".strip() for name in NEAR_NAMES for after in NEAR_AFTER] + [
    f"{before} jarvis {after}".strip()
    for before in ("", "I told", "we asked", "so", "and")
    for after in NEAR_AFTER
]
TEXTS = [Path("/usr/share/common-licenses/GPL-3"), Path("/usr/share/common-licenses/Artistic")]
_FALLBACK_TEXT = (
    "The kettle is on and the kitchen smells of toast. Could you check whether the post has "
    "come? The weather should clear up by the afternoon, and then we can take the dog to the "
    "park. Remember to water the tomatoes before you leave, and call your sister tonight. "
    "The meeting moved to Thursday at half past ten, in the small room by the stairs."
)
NEGATIVE_STREAMS = 8
NEAR_MISS_STREAMS = 16
NEGATIVE_MINUTES = 3.0
# A window counts as the phrase when its newest step ends this soon after the phrase does.
_POSITIVE_AFTER = (-0.05, 0.35)


@dataclass(frozen=True)
class Clip:
    """A training clip: audio and, for a positive, where the phrase ends (samples)."""

    samples: np.ndarray  # int16
    phrase_start: int = -1
    phrase_end: int = -1


def _trim(speech: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(speech) > 0.02 * (np.max(np.abs(speech)) or 1.0))
    return speech[loud[0] : loud[-1] + 1] if loud.size else speech


def _place(speech: np.ndarray, rng: np.random.Generator) -> Clip:
    """The phrase after 1-1.6 s of room, in noise (a third in a quiet room), maybe
    reverberant, at some distance."""
    stretch = float(rng.uniform(0.92, 1.08))  # a little higher and faster, or lower and slower
    speech = resample(speech, int(RATE * stretch))
    if rng.random() < 0.5:
        speech = reverb(rng, speech)
    lead, tail = int(RATE * rng.uniform(1.0, 1.6)), int(RATE * 0.8)
    padded = np.concatenate([np.zeros(lead), speech, np.zeros(tail)])
    quiet_room = rng.random() < 1 / 3
    snr = float(rng.uniform(30, 50) if quiet_room else rng.uniform(5, 25))
    mixed = mix(padded, room_noise(rng, padded.size), snr)
    samples = to_int16(mixed, float(rng.uniform(-32, -3)))
    return Clip(samples, lead, lead + speech.size)


def _positive_jobs(seed: int) -> list[tuple[str, str, int, int, int]]:
    pick = random.Random(seed)  # noqa: S311 - reproducible training audio, not secrets
    jobs = []
    for accent in ACCENTS:
        for variant in VARIANTS:
            for _ in range(3):
                jobs.append(
                    (
                        pick.choice(SPELLINGS),
                        accent + variant,
                        pick.choice(PITCHES),
                        pick.choice(SPEEDS),
                        pick.randrange(1 << 30),
                    )
                )
    return jobs


def _espeak_positives(job: tuple[str, str, int, int, int]) -> list[Clip]:
    text, voice, pitch, speed, seed = job
    speech = _trim(espeak(text, voice, pitch, speed))
    rng = np.random.default_rng(seed)
    return [_place(speech, rng) for _ in range(2)]


def _piper_positives(piper_model: Path | None, seed: int) -> list[Clip]:
    if piper_model is None or not piper_model.is_file():
        return []
    from piper import PiperVoice, SynthesisConfig  # noqa: PLC0415 - optional, engine only

    voice = PiperVoice.load(str(piper_model))
    rng = np.random.default_rng(seed)
    clips = []
    for text in ("hey jarvis", "hey, jarvis"):
        for scale in PIPER_SCALES:
            # Without Piper's sampling noise: it draws its own random numbers, unseeded.
            config = SynthesisConfig(length_scale=scale, noise_scale=0.0, noise_w_scale=0.0)
            chunks = list(voice.synthesize(text, syn_config=config))
            audio = np.concatenate([c.audio_int16_array for c in chunks]).astype(np.float32)
            speech = _trim(resample(audio, chunks[0].sample_rate))
            clips += [_place(speech, rng) for _ in range(3)]
    return clips


def _sentences() -> list[str]:
    text = " ".join(p.read_text(errors="replace") for p in TEXTS if p.is_file())
    words = [w for w in (text or _FALLBACK_TEXT).split() if any(c.isalpha() for c in w)]
    return [" ".join(words[i : i + 30]) for i in range(0, len(words), 30)]


def _negative_stream(job: tuple[int, int, list[str]]) -> Clip:
    """Minutes of speech in the training voices, near misses woven in; every third stream
    over music-like sound, every other one reverberant."""
    number, seed, sentences = job
    pick = random.Random(seed)  # noqa: S311 - reproducible training audio
    rng = np.random.default_rng(seed)
    target = int(NEGATIVE_MINUTES * 60 * RATE)
    parts, total = [], 0
    near_misses = 1.0 if number >= NEGATIVE_STREAMS else 0.3
    while total < target:
        voice = pick.choice(ACCENTS) + pick.choice(VARIANTS)
        near_miss = pick.random() < near_misses
        text = pick.choice(NEAR_MISSES) if near_miss else pick.choice(sentences)
        speech = espeak(text, voice, pick.choice(PITCHES), pick.choice(SPEEDS))
        parts.append(np.concatenate([speech, np.zeros(int(RATE * pick.uniform(0.2, 1.5)))]))
        total += parts[-1].size
    stream = np.concatenate(parts)[:target]
    if number % 2:
        stream = reverb(rng, stream)
    if number % 3 == 2:
        noisy = mix(stream, music(rng, stream.size), 10.0)
    else:
        noisy = mix(stream, room_noise(rng, stream.size), float(rng.uniform(5, 25)))
    return Clip(to_int16(noisy, float(rng.uniform(-20, -3))))


def _music_alone(seed: int) -> Clip:
    rng = np.random.default_rng(seed)
    size = int(NEGATIVE_MINUTES * 60 * RATE)
    return Clip(to_int16(music(rng, size) + 0.1 * room_noise(rng, size), -6.0))


def _windows(models: WakeWordModels, clip: Clip) -> tuple[np.ndarray, np.ndarray]:
    """The 16-embedding windows of a clip, one per step, and their labels (1 the phrase has
    just ended, 0 not the phrase, -1 in between: not used)."""
    embeddings = models.embeddings_of(clip.samples, HEAD_FRAMES)
    steps = len(embeddings) - HEAD_FRAMES
    windows = np.lib.stride_tricks.sliding_window_view(embeddings, HEAD_FRAMES, axis=0)
    windows = windows[1 : steps + 1].transpose(0, 2, 1)
    ends = (np.arange(steps) + 1) * STEP_SAMPLES
    if clip.phrase_end < 0:
        return windows, np.zeros(steps, dtype=np.int8)
    labels = np.full(steps, -1, dtype=np.int8)
    after = (ends - clip.phrase_end) / RATE
    labels[(after >= _POSITIVE_AFTER[0]) & (after <= _POSITIVE_AFTER[1])] = 1
    # Only part of the phrase heard yet ("hey ja"): a near miss in time.
    labels[ends <= clip.phrase_start + (clip.phrase_end - clip.phrase_start) // 2] = 0
    return windows, labels


_WORKER_MODELS: WakeWordModels | None = None


def _init_worker(folder: Path) -> None:
    global _WORKER_MODELS  # noqa: PLW0603 - one loaded copy of the models per worker
    _WORKER_MODELS = _load_features(folder)


def _load_features(folder: Path) -> WakeWordModels:
    return WakeWordModels(folder / "melspectrogram.onnx", folder / "embedding_model.onnx", {})


def _make_and_window(job: tuple[str, object]) -> tuple[np.ndarray, np.ndarray]:
    kind, arguments = job
    assert _WORKER_MODELS is not None
    if kind == "espeak":
        clips = _espeak_positives(arguments)  # type: ignore[arg-type]
    elif kind == "negative":
        clips = [_negative_stream(arguments)]  # type: ignore[arg-type]
    else:
        clips = [_music_alone(int(arguments))]  # type: ignore[call-overload]
    parts = [_windows(_WORKER_MODELS, clip) for clip in clips]
    windows = np.concatenate([w for w, _ in parts]).astype(np.float16)
    labels = np.concatenate([label for _, label in parts])
    keep = labels >= 0
    return windows[keep], labels[keep]


def make_training_set(
    folder: Path, piper_model: Path | None, workers: int, seed: int = 23
) -> tuple[np.ndarray, np.ndarray]:
    """Windows (n, 16, 96) and labels (n,) from speech synthesized here."""
    rng = random.Random(seed)  # noqa: S311 - reproducible training audio
    sentences = _sentences()
    jobs: list[tuple[str, object]] = [("espeak", job) for job in _positive_jobs(seed)]
    jobs += [
        ("negative", (n, rng.randrange(1 << 30), sentences))
        for n in range(NEGATIVE_STREAMS + NEAR_MISS_STREAMS)
    ]
    jobs.append(("music", rng.randrange(1 << 30)))
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(folder,)) as pool:
        made = list(pool.map(_make_and_window, jobs, chunksize=4))
    models = _load_features(folder)
    for clip in _piper_positives(piper_model, seed):
        windows, labels = _windows(models, clip)
        made.append((windows[labels >= 0].astype(np.float16), labels[labels >= 0]))
    return np.concatenate([w for w, _ in made]), np.concatenate([y for _, y in made])


def train_head(
    windows: np.ndarray,
    labels: np.ndarray,
    hidden: int = 96,
    epochs: int = 24,
    seed: int = 23,
    positive_share: float = 0.25,
    mining: float = 5.0,
) -> WakeHead:
    """A two-layer network by Adam on weighted cross-entropy. A false wake costs more than a
    missed window (the phrase gives several), so the positives together weigh a quarter of
    the negatives; after a third and two thirds of the epochs, the negatives it still scores
    high weigh five times as much (hard negative mining)."""
    rng = np.random.default_rng(seed)
    flat = windows.reshape(len(windows), -1)
    mean, scale = _moments(flat)
    head = WakeHead(mean, scale, *_initial(rng, flat.shape[1], hidden))
    target = labels.astype(np.float32)
    positives = max(1.0, float(target.sum()))
    negatives = max(1.0, len(target) - positives)
    weight = np.where(target > 0, positive_share * negatives / positives, 1.0).astype(np.float32)
    optimiser = _Adam(head)
    for epoch in range(epochs):
        if epoch in (epochs // 3, 2 * epochs // 3):
            scores = np.concatenate(
                [
                    head.scores(windows[i : i + 4096].astype(np.float32))
                    for i in range(0, len(windows), 4096)
                ]
            )
            weight[(target == 0) & (scores >= 0.5)] *= mining
        order = rng.permutation(len(flat))
        for first in range(0, len(order), 256):
            batch = order[first : first + 256]
            x = (flat[batch].astype(np.float32) - mean) / scale
            head = optimiser.step(head, x, target[batch], weight[batch])
    return head


def train_heads(
    windows: np.ndarray, labels: np.ndarray, members: int = 3, seed: int = 23
) -> WakeHead:
    """Several heads from different starting weights, merged into one whose log-odds are
    their mean (one wider hidden layer): a single run's luck matters less."""
    heads = [train_head(windows, labels, seed=seed + n) for n in range(members)]
    return WakeHead(
        heads[0].mean,
        heads[0].scale,
        np.concatenate([h.hidden_weights for h in heads], axis=1),
        np.concatenate([h.hidden_bias for h in heads]),
        np.concatenate([h.out_weights for h in heads]) / members,
        float(np.mean([h.out_bias for h in heads])),
    )


def _moments(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread of each feature, a chunk at a time (a Pi has little memory)."""
    total = np.zeros(flat.shape[1])
    squares = np.zeros(flat.shape[1])
    for first in range(0, len(flat), 4096):
        chunk = flat[first : first + 4096].astype(np.float64)
        total += chunk.sum(axis=0)
        squares += (chunk * chunk).sum(axis=0)
    mean = total / len(flat)
    spread = np.sqrt(np.maximum(squares / len(flat) - mean * mean, 0.0)) + 1e-3
    return mean.astype(np.float32), spread.astype(np.float32)


def _initial(rng: np.random.Generator, inputs: int, hidden: int) -> tuple:
    return (
        rng.normal(0, np.sqrt(2 / inputs), (inputs, hidden)).astype(np.float32),
        np.zeros(hidden, dtype=np.float32),
        rng.normal(0, np.sqrt(1 / hidden), hidden).astype(np.float32),
        0.0,
    )


class _Adam:
    """Adam on the head's four weights, with a little weight decay."""

    def __init__(self, head: WakeHead, rate: float = 1e-3, decay: float = 1e-4) -> None:
        self._rate, self._decay, self._steps = rate, decay, 0
        shapes = [head.hidden_weights, head.hidden_bias, head.out_weights, np.zeros(1)]
        self._moments = [(np.zeros_like(p), np.zeros_like(p)) for p in shapes]

    def step(self, head: WakeHead, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> WakeHead:
        hidden_in = x @ head.hidden_weights + head.hidden_bias
        hidden = np.maximum(hidden_in, 0)
        logits = hidden @ head.out_weights + head.out_bias
        p = 1 / (1 + np.exp(-np.clip(logits, -30, 30)))
        d_logit = w * (p - y) / len(y)
        d_hidden = np.outer(d_logit, head.out_weights) * (hidden_in > 0)
        params = [
            head.hidden_weights,
            head.hidden_bias,
            head.out_weights,
            np.array([head.out_bias]),
        ]
        grads = [
            x.T @ d_hidden + self._decay * head.hidden_weights,
            d_hidden.sum(axis=0),
            hidden.T @ d_logit + self._decay * head.out_weights,
            np.array([d_logit.sum()]),
        ]
        self._steps += 1
        updated = []
        for param, grad, (first, second) in zip(params, grads, self._moments, strict=True):
            first[...] = 0.9 * first + 0.1 * grad
            second[...] = 0.999 * second + 0.001 * grad * grad
            corrected = first / (1 - 0.9**self._steps)
            spread = np.sqrt(second / (1 - 0.999**self._steps)) + 1e-8
            updated.append((param - self._rate * corrected / spread).astype(np.float32))
        return WakeHead(
            head.mean, head.scale, updated[0], updated[1], updated[2], float(updated[3][0])
        )


def train(folder: Path, piper_model: Path | None, workers: int) -> Path:
    """Make the training set, train the head and write it into `folder`."""
    started = time.monotonic()
    windows, labels = make_training_set(folder, piper_model, workers)
    _LOGGER.info(
        "Training the hey_jarvis head on %d windows (%d of the phrase), made in %.0f s",
        len(labels),
        int(labels.sum()),
        time.monotonic() - started,
    )
    head = train_heads(windows, labels)
    path = folder / HEAD_FILE
    head.save(path)
    _LOGGER.info("Wrote %s in %.0f s", path, time.monotonic() - started)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m indoor_voice_models.train_wake")
    parser.add_argument("--models", type=Path, default=Path(".models/wake"))
    parser.add_argument("--piper-model", type=Path, help="a Piper voice for more positives")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--if-missing", action="store_true", help="only when no head of this recipe is there"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not (args.models / "melspectrogram.onnx").is_file():
        parser.error(f"no openWakeWord feature models in {args.models}")
    if shutil.which("espeak-ng") is None:
        parser.error("espeak-ng is not installed (apt install espeak-ng): it speaks the examples")
    if args.if_missing and head_is_current(args.models):
        _LOGGER.info("The wake word head in %s is current", args.models)
        return
    train(args.models, args.piper_model, args.workers)


if __name__ == "__main__":
    main()
