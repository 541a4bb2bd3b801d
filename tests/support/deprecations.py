"""Home Assistant's word that our integration uses something on its way out.

Home Assistant reports such use in its log: `report_usage` ("Detected that custom integration
'indoor_voice' ... This will stop working in Home Assistant 2026.x") and its deprecation
helpers ("... was used from indoor_voice, this is a deprecated constant ..."). Python's own
deprecations come as DeprecationWarning, which pyproject.toml turns into errors when they are
raised from our code. Both hold in every lane; the newest is where they appear first.
"""

from __future__ import annotations

import logging
import re

OURS = re.compile(r"\bindoor_voice\b")
DEPRECATED = re.compile(r"deprecat|will stop working", re.IGNORECASE)


def is_deprecated_use_by_us(message: str) -> bool:
    """Does this log message report a deprecated use by our integration?"""
    return bool(OURS.search(message) and DEPRECATED.search(message))


class DeprecationWatch(logging.Handler):
    """Collects every report of a deprecated use by our integration, from any logger."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if is_deprecated_use_by_us(message):
            self.reports.append(f"{record.name}: {message}")
