"""Base entity for the speech services of one engine."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..const import DOMAIN
from ..entries import unique_id
from .coordinator import EngineCoordinator


class EngineEntity(CoordinatorEntity[EngineCoordinator]):
    """One speech service of an engine, unavailable whenever the engine is down."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: EngineCoordinator, service: str) -> None:
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_unique_id = unique_id(entry.entry_id, service)
        program = next(
            (p for p in (*coordinator.data.asr, *coordinator.data.tts, *coordinator.data.wake)),
            None,
        )
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            manufacturer=program.attribution.name if program else None,
            model=program.description if program else "Wyoming service",
            sw_version=program.version if program else None,
            entry_type=DeviceEntryType.SERVICE,
        )
