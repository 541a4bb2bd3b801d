"""A process's resident memory over a soak: does it climb, or only move about?

One sample tells little: the engine's RSS is up to 20 MiB higher while a command is being
decoded than between commands. So the soak samples every
process every half minute and, after a warm-up window, fits a straight line through the
samples: its slope is the climb, and the fitted line from the window's start to its end is
the growth the soak reports and is held to.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Trend:
    """Resident memory of one process over its measured window."""

    samples: int
    minutes: float  # from the first sample to the last
    first_mib: float
    last_mib: float
    low_mib: float
    high_mib: float
    slope_mib_per_minute: float
    fitted_start_mib: float
    fitted_end_mib: float

    @property
    def growth(self) -> float:
        """Fitted growth over the window, as a fraction of the fitted start."""
        return (self.fitted_end_mib - self.fitted_start_mib) / self.fitted_start_mib


def trend(samples: list[tuple[float, float]]) -> Trend | None:
    """Least-squares line through (minutes, MiB) samples; None for fewer than three."""
    if len(samples) < 3:
        return None
    times = [t for t, _ in samples]
    values = [v for _, v in samples]
    mean_t = sum(times) / len(times)
    mean_v = sum(values) / len(values)
    spread = sum((t - mean_t) ** 2 for t in times)
    slope = sum((t - mean_t) * (v - mean_v) for t, v in samples) / spread if spread else 0.0
    at = lambda t: mean_v + slope * (t - mean_t)  # noqa: E731 - the fitted line
    return Trend(
        samples=len(samples),
        minutes=times[-1] - times[0],
        first_mib=values[0],
        last_mib=values[-1],
        low_mib=min(values),
        high_mib=max(values),
        slope_mib_per_minute=slope,
        fitted_start_mib=at(times[0]),
        fitted_end_mib=at(times[-1]),
    )
