"""The household's choices that belong to the whole home, kept in HA storage: consent and
review-sharing, and the Indoor Voice (local) pipeline's id.

Review-sharing is off unless the household consented to the current disclosure (consent.py)
and turned it on. Every grant, start, stop, revocation and suspension is appended to a
consent log (time, HA user, disclosure version, action) that is never rewritten. Clips are
kept only while sharing is on (kept_clips.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypedDict, cast

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from .consent import (
    DEFAULT_MAX_SIZE_MB,
    DEFAULT_RETENTION_DAYS,
    DISCLOSURE_VERSION,
    ISSUE_CLIPS_NOT_KEPT,
    ISSUE_DISCLOSURE_CHANGED,
    MAX_RETENTION_DAYS,
    Action,
    ConsentEntry,
    ConsentRequired,
    SharingSettings,
)
from .kept_clips import KeptClips
from .review_store import Clip

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
DATA_HOUSEHOLD: HassKey[Household] = HassKey(f"{DOMAIN}_household")
_MOVED = ("link_key", "link_certificate")


class HouseholdData(TypedDict, total=False):
    pipeline_id: str
    consented_version: int | None
    sharing: bool
    retention_days: int
    max_size_mb: int
    consent_log: list[ConsentEntry]


class Household:
    """Loaded once per Home Assistant instance, however many entries there are."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        # private=True: the consent log names users; the file is readable by the owner only.
        self._store: Store[HouseholdData] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.household", private=True, atomic_writes=True
        )
        self._data: HouseholdData = {}
        self._listeners: list[Callable[[], None]] = []
        self.clips = KeptClips(hass, self._notify)
        self.review = self.clips.review  # the clips on disk, for the review page

    async def async_load(self) -> None:
        data: dict[str, Any] = dict(await self._store.async_load() or {})
        self._data = cast(HouseholdData, data)
        # Earlier releases kept this Home Assistant's link identity here; it has moved to its
        # own store (satellites/identity.py, loaded first), and is no longer kept twice.
        if any(key in data for key in _MOVED):
            for key in _MOVED:
                data.pop(key, None)
            await self._store.async_save(self._data)
        await self.clips.async_count_waiting()

    async def _async_save(self) -> None:
        await self._store.async_save(self._data)
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- clips -------------------------------------------------------------------------

    @property
    def waiting_clips(self) -> int:
        return self.clips.waiting

    async def async_keep(self, pcm: bytes, transcript: str) -> Clip | None:
        """Keep one command's audio and transcript, if the household shares.

        Runs that look like false triggers (no audio, empty transcript) are not kept.
        """
        if not self.sharing or not pcm or not transcript.strip():
            return None
        return await self.clips.async_add(pcm, transcript.strip(), self.settings)

    async def async_enforce_limits(self) -> int:
        """Apply the retention limit and the size cap; return how many clips went."""
        return await self.clips.async_enforce_limits(self.settings)

    async def async_clips_changed(self) -> None:
        await self.clips.async_count_waiting()

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # -- pipeline ----------------------------------------------------------------------

    @property
    def pipeline_id(self) -> str | None:
        return self._data.get("pipeline_id")

    async def async_set_pipeline_id(self, pipeline_id: str) -> None:
        self._data["pipeline_id"] = pipeline_id
        await self._async_save()

    # -- consent and sharing -----------------------------------------------------------

    @property
    def consent_is_current(self) -> bool:
        return self._data.get("consented_version") == DISCLOSURE_VERSION

    @property
    def sharing(self) -> bool:
        """True only while sharing is on and backed by a current acknowledgement."""
        return bool(self._data.get("sharing")) and self.consent_is_current

    @property
    def settings(self) -> SharingSettings:
        return SharingSettings(
            retention_days=self._data.get("retention_days", DEFAULT_RETENTION_DAYS),
            max_size_mb=self._data.get("max_size_mb", DEFAULT_MAX_SIZE_MB),
        )

    @property
    def consent_log(self) -> list[ConsentEntry]:
        return list(self._data.get("consent_log", []))

    def _log(self, action: Action, user_id: str | None, **extra: int) -> None:
        entry: ConsentEntry = {
            "time": dt_util.utcnow().isoformat(),
            "user_id": user_id,
            "disclosure_version": DISCLOSURE_VERSION,
            "action": action,
        }
        entry.update(extra)  # type: ignore[typeddict-item]
        self._data.setdefault("consent_log", []).append(entry)

    async def async_grant(self, user_id: str | None, settings: SharingSettings) -> None:
        """The household acknowledged the current disclosure."""
        self._data["consented_version"] = DISCLOSURE_VERSION
        self._data["retention_days"] = min(settings.retention_days, MAX_RETENTION_DAYS)
        self._data["max_size_mb"] = settings.max_size_mb
        self._log("granted", user_id)
        await self._async_save()
        ir.async_delete_issue(self._hass, DOMAIN, ISSUE_DISCLOSURE_CHANGED)

    async def async_update_settings(self, settings: SharingSettings) -> None:
        self._data["retention_days"] = min(settings.retention_days, MAX_RETENTION_DAYS)
        self._data["max_size_mb"] = settings.max_size_mb
        await self._async_save()
        await self.async_enforce_limits()

    async def async_decline(self, user_id: str | None) -> None:
        """The household read the disclosure and said no: the same as revoking."""
        await self.async_revoke(user_id, action="declined")

    async def async_start_sharing(self, user_id: str | None) -> None:
        if not self.consent_is_current:
            raise ConsentRequired
        if self.sharing:
            return
        self._data["sharing"] = True
        self._log("sharing_on", user_id)
        await self._async_save()

    async def async_revoke(self, user_id: str | None, action: Action = "revoked") -> int:
        """Stop sharing, withdraw consent, delete every clip and export; record how many."""
        deleted, exports = await self.clips.async_delete_all()
        self._data["sharing"] = False
        self._data["consented_version"] = None
        self._log(action, user_id, deleted_clips=deleted, deleted_exports=exports)
        await self._async_save()
        ir.async_delete_issue(self._hass, DOMAIN, ISSUE_DISCLOSURE_CHANGED)
        ir.async_delete_issue(self._hass, DOMAIN, ISSUE_CLIPS_NOT_KEPT)  # nothing to keep now
        _LOGGER.info("Review-sharing is off; %d clips and %d exports deleted", deleted, exports)
        return deleted

    async def async_suspend_if_disclosure_changed(self) -> bool:
        """After an update with a new disclosure, sharing waits for a new acknowledgement."""
        if self._data.get("sharing") and not self.consent_is_current:
            self._data["sharing"] = False
            self._log("suspended", None)
            await self._async_save()
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                ISSUE_DISCLOSURE_CHANGED,
                is_fixable=True,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_DISCLOSURE_CHANGED,
            )
            return True
        return False

    async def async_reset(self) -> None:
        """Back to a fresh install: sharing off, no consent (the log itself is kept)."""
        await self.clips.async_delete_all()
        self._data["sharing"] = False
        self._data["consented_version"] = None
        await self._async_save()

    def as_diagnostics(self) -> dict[str, Any]:
        return {
            "pipeline_id": self.pipeline_id,
            "sharing": self.sharing,
            "consent_is_current": self.consent_is_current,
            "disclosure_version": DISCLOSURE_VERSION,
            "settings": self.settings.__dict__,
            "consent_log": self.consent_log,
        }
