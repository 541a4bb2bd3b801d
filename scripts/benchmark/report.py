"""The one table: each row ours, peer and ours/peer; plus the JSON file."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

NOISE = 0.10  # differences below 10 % are not called out


@dataclass(frozen=True)
class Row:
    """One measured figure on both sides."""

    metric: str
    ours: float
    peer: float
    unit: str  # "ms", "%", "MiB", "n/N" ...
    lower_is_better: bool = True
    ours_text: str | None = None  # shown instead of the number, e.g. "6/6"
    peer_text: str | None = None

    @property
    def ratio(self) -> float:
        if self.peer == 0:
            return 1.0 if self.ours == 0 else math.inf
        return self.ours / self.peer

    @property
    def ours_worse(self) -> bool:
        """Our side is worse on this row by more than the run-to-run noise of a busy box."""
        if self.lower_is_better:
            return self.ours > self.peer * (1 + NOISE) and self.ours - self.peer > 1e-9
        return self.ours < self.peer * (1 - NOISE)


def _value(number: float, unit: str, text: str | None) -> str:
    if text is not None:
        return text
    if unit == "ms":
        return f"{number * 1000:.0f} ms"
    if unit == "%":
        return f"{number * 100:.1f} %"
    if unit == "MiB":
        return f"{number:.0f} MiB"
    return f"{number:g}"


def _ratio(row: Row) -> str:
    if row.peer == 0 and row.ours == 0:
        return "-"
    if math.isinf(row.ratio):
        return "∞"
    return f"{row.ratio:.2f}"


def table(rows: list[Row]) -> str:
    """Plain text, one row per figure; rows where we are worse by > 10 % are marked with !."""
    header = ("metric", "ours", "peer", "ours/peer")
    cells = [
        (
            r.metric,
            _value(r.ours, r.unit, r.ours_text),
            _value(r.peer, r.unit, r.peer_text),
            _ratio(r) + (" !" if r.ours_worse else ""),
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(4)]
    lines = [
        "  ".join((c[0].ljust(widths[0]), *(c[i].rjust(widths[i]) for i in range(1, 4))))
        for c in [header, *cells]
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def write_json(path: Path, rows: list[Row], details: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "rows": [{**asdict(r), "ratio": None if math.isinf(r.ratio) else r.ratio} for r in rows],
        **details,
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")


def update_json(path: Path, key: str, value: Any) -> None:
    """Set one key of the JSON file, keeping what an earlier run wrote there."""
    payload: dict[str, Any] = {}
    if path.exists():
        payload = json.loads(path.read_text())
    payload[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
