"""`scripts/bench --wake-only`: heard wake words, false wakes an hour and CPU per stream, ours
against the peer (pyopen-wakeword 1.1.0, the openWakeWord runtime of wyoming-openwakeword
2.x) on the same generated audio (.wake-data/, made by scripts/wake-data).

Each detector scores each set once (wake_peaks.py records every rise of its score); every
threshold is then evaluated on those rises: a wake is a rise whose peak reaches the threshold,
at most one per refractory period (2 s, as both programs use). Thresholds are chosen on the
development set only; the test set is reported.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from testbed.peers import ensure

from . import wake_data
from .paths import OUR_PYTHON, REPO
from .venvs import PYOPEN_WAKEWORD

REFRACTORY = 2.0
LEVELS = {"relaxed": 0.25, "default": 0.5, "strict": 0.75}  # as indoor_voice_models says
PEER_THRESHOLD = 0.5  # wyoming-openwakeword's default
_SCRIPT = Path(__file__).with_name("wake_peaks.py")


@dataclass
class Scored:
    positives: list[list[tuple[float, float]]]
    negatives: dict[str, list[tuple[float, float]]]
    negative_seconds: float
    cpu_seconds: float

    def wakes(self, peaks: list[tuple[float, float]], threshold: float) -> int:
        count, last = 0, -1e9
        for seconds, score in peaks:
            if score >= threshold and seconds - last >= REFRACTORY:
                count, last = count + 1, seconds
        return count

    def heard(self, threshold: float) -> float:
        found = sum(1 for p in self.positives if self.wakes(p, threshold) > 0)
        return found / len(self.positives)

    def false_per_hour(self, threshold: float) -> float:
        wakes = sum(self.wakes(p, threshold) for p in self.negatives.values())
        return wakes / (self.negative_seconds / 3600)

    @property
    def cpu_percent(self) -> float:
        return 100 * self.cpu_seconds / self.negative_seconds


def score(side: str, split: str, max_minutes: float | None, shards: int = 4) -> Scored:
    """Score in `shards` processes at once (one stream each: CPU per stream is unchanged)."""
    python = OUR_PYTHON if side == "ours" else PYOPEN_WAKEWORD.bin / "python"
    limit = "all" if max_minutes is None else str(max_minutes)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen(
            [str(python), str(_SCRIPT), side, str(wake_data.DATA / split), limit, f"{n}/{shards}"],
            stdout=subprocess.PIPE,
            env=env,
        )
        for n in range(shards)
    ]
    parts = []
    for process in processes:
        out, _ = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"scoring {split} with {side} failed")
        parts.append(json.loads(out))
    return Scored(
        positives=[p for part in parts for p in part["positives"]],
        negatives={k: v for part in parts for k, v in part["negatives"].items()},
        negative_seconds=sum(part["negative_seconds"] for part in parts),
        cpu_seconds=sum(part["cpu_seconds"] for part in parts),
    )


def measure(say: Callable[[str], None], peer_minutes: float | None) -> list[str]:
    if missing := [split for split in wake_data.SPLITS if not wake_data.ready(split)]:
        say(f"Making the {' and '.join(missing)} set (scripts/wake-data)")
        subprocess.run([str(REPO / "scripts" / "wake-data"), *missing], check=True)
    ensure(PYOPEN_WAKEWORD)
    lines = []
    for split in ("dev", "test"):
        say(f"Scoring the {split} set: ours")
        ours = score("ours", split, None)
        say(f"Scoring the {split} set: peer (pyopen-wakeword 1.1.0)")
        peer = score("peer", split, peer_minutes)
        lines += _report(split, ours, peer)
    return lines


def _report(split: str, ours: Scored, peer: Scored) -> list[str]:
    hours = ours.negative_seconds / 3600
    peer_hours = peer.negative_seconds / 3600
    lines = [
        f"{split} set: {len(ours.positives)} wake phrases, {hours:.2f} h of other speech "
        f"(peer: {peer_hours:.2f} h)",
        f"  {'':28} {'heard':>8} {'false/h':>8} {'CPU/stream':>11}",
    ]
    for level, threshold in LEVELS.items():
        lines.append(
            f"  {'ours, ' + level + f' ({threshold})':28} {100 * ours.heard(threshold):7.1f}% "
            f"{ours.false_per_hour(threshold):8.2f} {ours.cpu_percent:10.1f}%"
        )
    lines.append(
        f"  {f'peer ({PEER_THRESHOLD})':28} {100 * peer.heard(PEER_THRESHOLD):7.1f}% "
        f"{peer.false_per_hour(PEER_THRESHOLD):8.2f} {peer.cpu_percent:10.1f}%"
    )
    sweep = ", ".join(
        f"{t:.2f}: {100 * ours.heard(t):.1f}%/{ours.false_per_hour(t):.2f}"
        for t in (0.1 * i for i in range(2, 10))
    )
    lines.append(f"  ours by threshold (heard/false an hour): {sweep}")
    return lines
