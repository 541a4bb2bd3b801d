"""Base for the entities of one satellite: one device, available while the link is up."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity

from ..const import CONF_AREA, DOMAIN, EntryKind
from ..entries import kind_of, unique_id
from .device import SatelliteConfigEntry


class SatelliteEntity(Entity):
    _attr_has_entity_name = True
    _attr_should_poll = False
    _follows_link = True  # unavailable while the satellite is unreachable

    def __init__(self, entry: SatelliteConfigEntry, key: str) -> None:
        self._device = entry.runtime_data
        self._attr_unique_id = unique_id(entry.entry_id, key)
        encrypted = kind_of(entry) is EntryKind.SATELLITE
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            manufacturer="Indoor Voice" if encrypted else None,
            model="Satellite (encrypted link)" if encrypted else "Wyoming satellite (unencrypted)",
            suggested_area=entry.data.get(CONF_AREA),
        )

    @property
    def available(self) -> bool:
        return self._device.connected or not self._follows_link

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self._device.async_listen(self.async_write_ha_state))
