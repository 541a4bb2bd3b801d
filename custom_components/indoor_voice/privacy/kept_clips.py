"""The clips the household keeps for review, as the household sees them: added one command at
a time, within the retention limit and the size cap, counted while they wait for review.

The files themselves are review_store.py's; its blocking calls run in the executor here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from .consent import ISSUE_CLIPS_NOT_KEPT, SharingSettings
from .review_store import Clip, ReviewStore

_LOGGER = logging.getLogger(__name__)


class KeptClips:
    def __init__(self, hass: HomeAssistant, changed: Callable[[], None]) -> None:
        self._hass = hass
        self._changed = changed
        self.review = ReviewStore.for_hass(hass)
        self.waiting = 0  # clips not yet reviewed

    async def async_add(
        self, pcm: bytes, transcript: str, settings: SharingSettings
    ) -> Clip | None:
        """Keep one clip; None when the disk refused it (a full disk, say): then nothing of
        it is kept, the household gets a repair saying so, and the command goes on."""
        try:
            clip = await self._hass.async_add_executor_job(
                self.review.add, pcm, transcript, dt_util.utcnow()
            )
        except OSError as err:
            reason = err.strerror or type(err).__name__
            _LOGGER.warning("A review clip was not kept in %s: %s", self.review.root, reason)
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                ISSUE_CLIPS_NOT_KEPT,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_CLIPS_NOT_KEPT,
                translation_placeholders={"folder": str(self.review.root), "reason": reason},
            )
            return None
        ir.async_delete_issue(self._hass, DOMAIN, ISSUE_CLIPS_NOT_KEPT)
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
