"""The household's choices that are not tied to one engine or satellite, kept in HA storage."""

from __future__ import annotations

from typing import Any, TypedDict

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

STORAGE_VERSION = 1
DATA_HOUSEHOLD: HassKey[Household] = HassKey(f"{DOMAIN}_household")


class HouseholdData(TypedDict, total=False):
    pipeline_id: str


class Household:
    """Loaded once per Home Assistant instance, however many entries there are."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._store: Store[HouseholdData] = Store(hass, STORAGE_VERSION, f"{DOMAIN}.household")
        self._data: HouseholdData = {}

    async def async_load(self) -> None:
        self._data = await self._store.async_load() or {}

    @property
    def pipeline_id(self) -> str | None:
        return self._data.get("pipeline_id")

    async def async_set_pipeline_id(self, pipeline_id: str) -> None:
        self._data["pipeline_id"] = pipeline_id
        await self._store.async_save(self._data)

    def as_diagnostics(self) -> dict[str, Any]:
        return dict(self._data)
