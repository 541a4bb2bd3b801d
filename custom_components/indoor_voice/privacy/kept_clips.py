"""The clips the household keeps for review, as the household sees them: added one command at
a time, within the retention limit and the size cap, counted while they wait for review.

The files themselves are review_store.py's; its blocking calls run in the executor here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .consent import SharingSettings
from .review_store import Clip, ReviewStore

_LOGGER = logging.getLogger(__name__)


class KeptClips:
    def __init__(self, hass: HomeAssistant, changed: Callable[[], None]) -> None:
        self._hass = hass
        self._changed = changed
        self.review = ReviewStore.for_hass(hass)
        self.waiting = 0  # clips not yet reviewed

    async def async_add(self, pcm: bytes, transcript: str, settings: SharingSettings) -> Clip:
        clip = await self._hass.async_add_executor_job(
            self.review.add, pcm, transcript, dt_util.utcnow()
        )
        await self.async_enforce_limits(settings)
        return clip

    async def async_enforce_limits(self, settings: SharingSettings) -> int:
        """Apply the retention limit and the size cap; return how many clips went."""
        deleted = await self._hass.async_add_executor_job(
            self.review.purge,
            dt_util.utcnow(),
            settings.retention_days,
            settings.max_size_mb * 1024 * 1024,
        )
        if deleted:
            _LOGGER.info(
                "Deleted %d review clips or exports past the retention limit or size cap", deleted
            )
        await self.async_count_waiting()
        return deleted

    async def async_count_waiting(self) -> None:
        clips = await self._hass.async_add_executor_job(self.review.clips)
        self.waiting = sum(1 for clip in clips if clip.status == "pending")
        self._changed()

    async def async_delete_all(self) -> tuple[int, int]:
        """Every clip and every export; how many of each went."""
        deleted = await self._hass.async_add_executor_job(self.review.delete_all)
        self.waiting = 0
        return deleted
