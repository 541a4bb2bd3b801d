"""How our hey_jarvis head (indoor_voice_models/wake_head.py) and openWakeWord's hey_jarvis
classifier combine, measured on a set of scripts/wake-data: the classifier alone, the head
alone, "either one" (a wake when either reaches its threshold) and "both" (the head as a
second look, openWakeWord's verifier style). Heard (positives with at least one wake),
false wakes an hour (all negatives) and the head's extra CPU per stream.

Each set's embeddings and classifier scores are computed once, as a stream computes them,
and kept under .wake-data/SET/features/ (git-ignored); heads and thresholds are then cheap
to compare. Run under the programs' Python (scripts/wake-head does).
"""

from __future__ import annotations

import json
import resource
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indoor_voice_models.wake import WakeWordModels
from indoor_voice_models.wake_head import HEAD_FILE, HEAD_FRAMES, LEVEL_LOGITS, WakeHead

from .paths import MODELS
from .wake_data import DATA

WAKE = MODELS / "wake"
REFRACTORY_STEPS = 25  # 2 s, as both programs use
WARMUP_STEPS = 5


def _models() -> WakeWordModels:
    return WakeWordModels(
        WAKE / "melspectrogram.onnx",
        WAKE / "embedding_model.onnx",
        {"hey_jarvis": (WAKE / "hey_jarvis_v0.1.onnx", "hey jarvis")},
    )


def _features(job: tuple[Path, list[tuple[int, int]]]) -> tuple[np.ndarray, np.ndarray, float]:
    """Embeddings and hey_jarvis scores of each clip (offset, length) of a raw file."""
    path, clips = job
    models = _models()
    word = models.words["hey_jarvis"]
    audio = np.fromfile(path, dtype=np.int16)
    before = _cpu()
    embeddings, scores = [], []
    for offset, length in clips:
        found = models.embeddings_of(audio[offset : offset + length], HEAD_FRAMES)
        steps = len(found) - HEAD_FRAMES
        windows = np.stack([found[i + 1 : i + 1 + HEAD_FRAMES] for i in range(steps)])
        scores.append(np.array(models.scores(word, windows), dtype=np.float32))
        embeddings.append(found.astype(np.float16))
    return np.concatenate(embeddings), np.concatenate(scores), _cpu() - before


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Streams:
    """Per clip or stream: embeddings (16 starting + one per step) and classifier scores."""

    embeddings: list[np.ndarray]
    jarvis: list[np.ndarray]
    seconds: float


def load(split: str, workers: int = 2) -> tuple[Streams, Streams]:
    folder = DATA / split
    cache = folder / "features"
    if not (cache / "done").is_file():
        cache.mkdir(exist_ok=True)
        index = json.loads((folder / "positives.json").read_text())
        names = sorted(json.loads((folder / "negatives.json").read_text()))
        jobs = [(folder / "positives.raw", [(c["offset"], c["length"]) for c in index])]
        for name in names:
            size = (folder / name).stat().st_size // 2
            jobs.append((folder / name, [(0, size)]))
        with ProcessPoolExecutor(workers) as pool:
            for number, (embeddings, scores, _) in enumerate(pool.map(_features, jobs)):
                np.save(cache / f"{number:02d}-embeddings.npy", embeddings)
                np.save(cache / f"{number:02d}-jarvis.npy", scores)
        lengths = [[c["length"] for c in index]] + [
            [(folder / n).stat().st_size // 2] for n in names
        ]
        (cache / "lengths.json").write_text(json.dumps(lengths))
        (cache / "done").write_text("")
    lengths = json.loads((cache / "lengths.json").read_text())
    parts = []
    for number, clip_lengths in enumerate(lengths):
        embeddings = np.load(cache / f"{number:02d}-embeddings.npy")
        scores = np.load(cache / f"{number:02d}-jarvis.npy")
        streams = Streams([], [], sum(clip_lengths) / 16_000)
        e_at = s_at = 0
        for length in clip_lengths:
            steps = len(range(0, length - 1280 + 1, 1280))
            streams.embeddings.append(embeddings[e_at : e_at + steps + HEAD_FRAMES])
            streams.jarvis.append(scores[s_at : s_at + steps])
            e_at, s_at = e_at + steps + HEAD_FRAMES, s_at + steps
        parts.append(streams)
    negatives = Streams(
        [e for p in parts[1:] for e in p.embeddings],
        [s for p in parts[1:] for s in p.jarvis],
        sum(p.seconds for p in parts[1:]),
    )
    return parts[0], negatives


def wakes(fires: np.ndarray) -> int:
    count, last = 0, -(10**9)
    for step in np.flatnonzero(fires):
        if step >= WARMUP_STEPS and step - last >= REFRACTORY_STEPS:
            count, last = count + 1, step
    return count


@dataclass(frozen=True)
class Mode:
    name: str
    jarvis: float | None  # threshold for the classifier, None: not used
    head: float | None
    both: bool = False  # True: both must reach theirs; False: either one

    def fires(self, jarvis: np.ndarray, head: np.ndarray) -> np.ndarray:
        parts = []
        if self.jarvis is not None:
            parts.append(jarvis >= self.jarvis)
        if self.head is not None:
            parts.append(head >= self.head)
        if len(parts) == 1:
            return parts[0]
        return (parts[0] & parts[1]) if self.both else (parts[0] | parts[1])


def evaluate(
    mode: Mode, positives: Streams, negatives: Streams, pos_head: list, neg_head: list
) -> tuple[float, float]:
    heard = sum(
        1 for j, h in zip(positives.jarvis, pos_head, strict=True) if wakes(mode.fires(j, h))
    )
    false = sum(wakes(mode.fires(j, h)) for j, h in zip(negatives.jarvis, neg_head, strict=True))
    return 100 * heard / len(positives.jarvis), false / (negatives.seconds / 3600)


def head_logits(head: WakeHead, streams: Streams) -> list[np.ndarray]:
    out = []
    for embeddings in streams.embeddings:
        windows = np.lib.stride_tricks.sliding_window_view(
            embeddings.astype(np.float32), HEAD_FRAMES, axis=0
        )[1:].transpose(0, 2, 1)
        out.append(head.logits(windows).astype(np.float32))
    return out


def sweep(split: str, head: WakeHead) -> list[tuple[float, float, float]]:
    """(log-odds threshold, heard %, false wakes an hour) of the head alone on a set."""
    positives, negatives = load(split)
    pos, neg = head_logits(head, positives), head_logits(head, negatives)
    hours = negatives.seconds / 3600
    rows = []
    for threshold in np.arange(0.0, 16.01, 0.25):
        heard = 100 * np.mean([wakes(x >= threshold) > 0 for x in pos])
        false = sum(wakes(x >= threshold) for x in neg) / hours
        rows.append((float(threshold), float(heard), float(false)))
    return rows


def tune(head: WakeHead) -> list[float]:
    """Each level's log-odds threshold, from the development set (three hours of other speech):
    *Relaxed* the highest that still hears 99 % of its phrases, *Default* the lowest with at
    most one false wake, *Strict* the lowest with none."""
    rows = sweep("dev", head)
    relaxed = max((t for t, heard, _ in rows if heard >= 99.0), default=rows[0][0])
    default = next((t for t, _, false in rows if false <= 1.0), rows[-1][0])
    strict = next((t for t, _, false in rows if false == 0.0), rows[-1][0])
    return [relaxed, max(default, relaxed), max(strict, default, relaxed)]


def main(argv: list[str]) -> None:
    split = argv[0] if argv else "test"
    head_path = Path(argv[1]) if len(argv) > 1 else WAKE / HEAD_FILE
    if split == "tune":
        head = WakeHead.load(head_path)
        levels = tune(head)
        print(f"levels (log-odds) on the development set: relaxed/default/strict {levels}")
        test = {t: (h, f) for t, h, f in sweep("test", head)}
        dev = {t: (h, f) for t, h, f in sweep("dev", head)}
        for t in sorted(test):
            (dev_heard, dev_false), (test_heard, test_false) = dev[t], test[t]
            print(
                f"  {t:5.2f}  dev {dev_heard:5.1f}% {dev_false:5.2f}/h"
                f"   test {test_heard:5.1f}% {test_false:5.2f}/h"
            )
        return
    positives, negatives = load(split)
    head = WakeHead.load(head_path)
    pos_head, neg_head = head_logits(head, positives), head_logits(head, negatives)
    relaxed, default, strict = LEVEL_LOGITS[1:4]
    print(
        f"{split} set: {len(positives.jarvis)} wake phrases, "
        f"{negatives.seconds / 3600:.2f} h of other speech; head {head_path.name} "
        f"(levels in log-odds: relaxed {relaxed}, default {default}, strict {strict})"
    )
    modes = [Mode(f"hey_jarvis >= {t}", t, None) for t in (0.25, 0.5, 0.75)]
    modes += [
        Mode(f"head, {name} ({t})", None, t)
        for name, t in (("relaxed", relaxed), ("default", default), ("strict", strict))
    ]
    modes += [Mode(f"hey_jarvis >= 0.5 or head >= {t}", 0.5, t) for t in (relaxed, default, strict)]
    modes += [
        Mode(f"hey_jarvis >= {j} and head >= {t}", j, t, both=True)
        for j in (0.1, 0.25, 0.5)
        for t in (relaxed, default)
    ]
    print(f"  {'':40} {'heard':>7} {'false/h':>8}")
    for mode in modes:
        heard, false = evaluate(mode, positives, negatives, pos_head, neg_head)
        print(f"  {mode.name:40} {heard:6.1f}% {false:8.2f}")
    without, with_head = stream_cpu(split, None), stream_cpu(split, head)
    print(
        f"  CPU per stream (the shared detector on 10 min of other speech): "
        f"{without:.2f} % with the classifier, {with_head:.2f} % with the head"
    )
    _per_voice(positives, pos_head, split, default)


def stream_cpu(split: str, head: WakeHead | None) -> float:
    """CPU time of the shared detector on the set's first ten minutes of other speech, as a
    share of their duration (one stream, as the satellite runs it)."""
    models = _models()
    if head is not None:
        models.heads["hey_jarvis"] = head
    samples = np.fromfile(DATA / split / "negatives-00.raw", dtype=np.int16)
    stream = models.new_stream(None, 0.5, 2.0)
    before = _cpu()
    for start in range(0, samples.size, 320):
        stream.process(samples[start : start + 320])
    return 100 * (_cpu() - before) / (samples.size / 16_000)


def _per_voice(positives: Streams, pos_head: list, split: str, default: float) -> None:
    index = json.loads((DATA / split / "positives.json").read_text())
    by_accent: dict[str, list[tuple[bool, bool]]] = {}
    for clip, j, h in zip(index, positives.jarvis, pos_head, strict=True):
        accent = str(clip["voice"]).split("+")[0].split(" x")[0]
        by_accent.setdefault(accent, []).append((bool(wakes(j >= 0.5)), bool(wakes(h >= default))))
    for accent, results in sorted(by_accent.items()):
        print(
            f"    {accent:28} hey_jarvis 0.5: {sum(a for a, _ in results)}/{len(results)}"
            f"   head default: {sum(b for _, b in results)}/{len(results)}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
