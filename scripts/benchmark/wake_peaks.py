"""Score a wake word set with one detector and print its rises as JSON; run by `scripts/bench
--wake-only` once under our programs' Python (`ours`) and once in the peer's venv (`peer`).

A rise is a run of scores of at least 0.2 (our detector's near-miss floor); its peak is what
a threshold is compared with. Recording rises once lets every threshold be evaluated after.
Only the standard library, numpy and the detector are imported here.

Usage: python wake_peaks.py ours|peer SET_DIR MAX_NEGATIVE_MINUTES|all SHARD/SHARDS
(shard 0 also scores the positives; the others only their share of the negative files)
"""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

FLOOR = 0.2
STEP = 1280
Peaks = list[tuple[float, float]]  # (seconds into the stream, peak score)


def _rises(scores: Iterable[tuple[float, float]]) -> Peaks:
    peaks: Peaks = []
    current: tuple[float, float] | None = None
    for seconds, score in scores:
        if score >= FLOOR:
            if current is None or score > current[1]:
                current = (seconds, score)
        elif current is not None:
            peaks.append(current)
            current = None
    if current is not None:
        peaks.append(current)
    return peaks


def ours() -> Callable[[np.ndarray], Peaks]:
    from indoor_voice_models.wake_words import (  # noqa: PLC0415 - ours only
        installed_wake_words,
        load_wake_words,
    )

    folder = Path(__file__).resolve().parents[2] / ".models" / "wake"
    sources = [s for s in installed_wake_words(folder) if s.name == "hey_jarvis"]
    models = load_wake_words(folder, sources).models
    models.warm_up()

    def peaks(samples: np.ndarray) -> Peaks:
        # A threshold no score reaches: every rise comes back as a near miss with its peak.
        stream = models.new_stream(["hey_jarvis"], 2.0, 0.0)
        stream.process(np.concatenate([samples, np.zeros(STEP * 40, dtype=np.int16)]))
        return [(m.timestamp_ms / 1000, m.score) for m in stream.take_near_misses()]

    return peaks


def peer() -> Callable[[np.ndarray], Peaks]:
    from pyopen_wakeword import (  # noqa: PLC0415 - only in the peer's venv
        Model,
        OpenWakeWord,
        OpenWakeWordFeatures,
    )

    model = OpenWakeWord.from_builtin(Model.HEY_JARVIS)
    features = OpenWakeWordFeatures.from_builtin()

    def peaks(samples: np.ndarray) -> Peaks:
        model.reset()
        features.reset()

        def scores() -> Iterable[tuple[float, float]]:
            step = 0
            audio = samples.tobytes()
            for start in range(0, len(audio), STEP * 2):
                for embedding in features.process_streaming(audio[start : start + STEP * 2]):
                    for probability in model.process_streaming(embedding):
                        step += 1
                        yield step * STEP / 16_000, float(probability)

        return _rises(scores())

    return peaks


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    side, folder = sys.argv[1], Path(sys.argv[2])
    limit = float("inf") if sys.argv[3] == "all" else float(sys.argv[3]) * 60 * 16_000
    shard, shards = (int(n) for n in sys.argv[4].split("/"))
    peaks = ours() if side == "ours" else peer()
    positives: list[Peaks] = []
    if shard == 0:
        audio = np.fromfile(folder / "positives.raw", dtype=np.int16)
        index = json.loads((folder / "positives.json").read_text())
        positives = [
            peaks(audio[clip["offset"] : clip["offset"] + clip["length"]]) for clip in index
        ]
    negatives: dict[str, Peaks] = {}
    seconds = 0.0
    cpu_before = _cpu()
    names = sorted(json.loads((folder / "negatives.json").read_text()))
    for number, name in enumerate(names):
        if number % shards != shard:
            continue
        if seconds * 16_000 * shards >= limit:
            break
        samples = np.fromfile(folder / name, dtype=np.int16)
        negatives[name] = peaks(samples)
        seconds += samples.size / 16_000
    cpu = _cpu() - cpu_before
    print(
        json.dumps(
            {
                "positives": positives,
                "negatives": negatives,
                "negative_seconds": seconds,
                "cpu_seconds": cpu,
            }
        )
    )


if __name__ == "__main__":
    main()
