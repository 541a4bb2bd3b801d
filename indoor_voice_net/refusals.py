"""Refusals logged as a summary per source and minute, never one line each.

A stranger who retries a thousand times a second must not fill the log (or the SD card of a
Raspberry Pi). The first refusal from a source is logged at once; the rest of that minute is
counted and logged as one line when the minute ends. Only addresses and reasons are logged,
never what the stranger sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable

WINDOW_SECONDS = 60.0
_MAX_SOURCES = 1024  # sources tracked at once; beyond that they share one line


class RefusalLog:
    """Counts refusals per source address; logs the first of each minute and a summary."""

    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        *,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._what = what
        self._window = window
        self._clock = clock
        self._counts: dict[str, Counter[str]] = {}
        self._flush_handle: asyncio.TimerHandle | None = None

    def refused(self, source: str, reason: str) -> None:
        """One refusal of `source` for `reason` (a short fixed phrase, never peer input)."""
        if source not in self._counts and len(self._counts) >= _MAX_SOURCES:
            source = "other sources"
        counts = self._counts.get(source)
        if counts is None:
            self._counts[source] = Counter()
            self._logger.warning(
                "Refused %s from %s: %s (more refusals are summarised once a minute)",
                self._what,
                source,
                reason,
            )
            self._schedule()
            return
        counts[reason] += 1

    def flush(self) -> None:
        """Log what was counted since the last summary, and start a new minute."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        counts, self._counts = self._counts, {}
        for source, reasons in counts.items():
            if total := sum(reasons.values()):
                detail = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
                self._logger.warning(
                    "Refused %s from %s %d more times in the last minute (%s)",
                    self._what,
                    source,
                    total,
                    detail,
                )

    def close(self) -> None:
        self.flush()

    def _schedule(self) -> None:
        if self._flush_handle is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._flush_handle = loop.call_later(self._window, self.flush)
