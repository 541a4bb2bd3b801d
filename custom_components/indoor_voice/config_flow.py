"""Config flow: an engine (any Wyoming service) or a satellite, by host and port or by
discovery; the household entry, made by the integration itself; reconfiguring a moved device.

The steps of each kind live in its room (engines/flow.py, satellites/flow.py); the Configure
dialogs are options flows (options_flow.py).
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from homeassistant.helpers.translation import async_get_translations

from .const import CONF_FINGERPRINT, CONF_KIND, DOMAIN, SATELLITE_ZEROCONF_TYPE, EntryKind
from .engines.flow import (
    EngineSteps,
    async_probe,
    async_speaks_tls,
    engine_title,
    host_port_schema,
    is_plain_satellite,
)
from .entries import HOUSEHOLD_UNIQUE_ID, kind_of
from .options_flow import ConsentOptionsFlow, EngineOptionsFlow
from .satellites.flow import SatelliteSteps, async_check_paired


class IndoorVoiceConfigFlow(EngineSteps, SatelliteSteps, domain=DOMAIN):
    """Adds engines and satellites; the household entry is created by the integration itself."""

    VERSION = 1
    MINOR_VERSION = 1

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        return kind_of(config_entry) in (EntryKind.ENGINE, EntryKind.HOUSEHOLD)

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        if kind_of(config_entry) is EntryKind.HOUSEHOLD:
            return ConsentOptionsFlow()
        return EngineOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Host and port of an engine or a satellite: the flow finds out which it is."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
            self._async_abort_entries_match({CONF_HOST: host, CONF_PORT: port})
            info, errors = await async_probe(host, port)
            if errors.get("base") == "not_wyoming" and await async_speaks_tls(host, port):
                self._satellite = (host, port, None)
                return await self.async_step_pair()
            if info is not None:
                await self.async_set_unique_id(f"{host}:{port}")
                self._abort_if_unique_id_configured()
                if is_plain_satellite(info):
                    self._plain = (host, port, info)
                    return await self.async_step_plain_satellite()
                return self._create_engine(host, port, info)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(host_port_schema(), user_input),
            errors=errors,
        )

    async def async_step_discovery(self, discovery_info: Any) -> ConfigFlowResult:
        """Engines and satellites are found by zeroconf and the Supervisor only; other
        discoveries end here instead of falling through to the user step."""
        return self.async_abort(reason="not_supported")

    async_step_bluetooth = async_step_dhcp = async_step_discovery
    async_step_homekit = async_step_integration_discovery = async_step_discovery
    async_step_mqtt = async_step_ssdp = async_step_usb = async_step_discovery

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        host, port = discovery_info.host, discovery_info.port
        if port is None:
            return self.async_abort(reason="no_port")
        if discovery_info.type == SATELLITE_ZEROCONF_TYPE:
            return await self._async_discovered_satellite(discovery_info, host, port)
        await self.async_set_unique_id(f"{host}:{port}")
        self._abort_if_unique_id_configured()
        info, errors = await async_probe(host, port)
        if info is None:
            return self.async_abort(reason=errors["base"])
        if is_plain_satellite(info):
            self._plain = (host, port, info)
            return await self.async_step_plain_satellite()
        self._discovered = (host, port, info)
        self.context["title_placeholders"] = {"name": engine_title(info, host)}
        return await self.async_step_zeroconf_confirm()

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The engine or satellite moved: a new host or port, the same device."""
        entry = self._get_reconfigure_entry()
        if kind_of(entry) is EntryKind.HOUSEHOLD:
            return self.async_abort(reason="nothing_to_reconfigure")
        errors: dict[str, str] = {}
        if user_input is not None:
            host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
            for other in self._async_current_entries(include_ignore=False):
                if other.entry_id != entry.entry_id and (
                    other.data.get(CONF_HOST),
                    other.data.get(CONF_PORT),
                ) == (host, port):
                    return self.async_abort(reason="already_configured")
            errors = await self._async_same_device_at(entry, host, port)
            if not errors:
                return self.async_update_reload_and_abort(
                    entry,
                    unique_id=entry.unique_id
                    if kind_of(entry) is EntryKind.SATELLITE
                    else f"{host}:{port}",
                    data_updates={CONF_HOST: host, CONF_PORT: port},
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=host_port_schema(entry.data[CONF_HOST], entry.data[CONF_PORT]),
            errors=errors,
        )

    async def _async_same_device_at(
        self, entry: ConfigEntry, host: str, port: int
    ) -> dict[str, str]:
        """Form errors unless what answers at host:port is the kind of thing the entry is."""
        if kind_of(entry) is EntryKind.SATELLITE:
            return await async_check_paired(self.hass, host, port, entry.data[CONF_FINGERPRINT])
        info, errors = await async_probe(host, port)
        if info is None:
            return errors
        if is_plain_satellite(info) != (kind_of(entry) is EntryKind.WYOMING_SATELLITE):
            return {"base": "different_device"}
        return {}

    async def async_step_system(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The one household entry: holds the choices that belong to the whole home."""
        await self.async_set_unique_id(HOUSEHOLD_UNIQUE_ID)
        self._abort_if_unique_id_configured()
        # Named as its device is (translations: device.household), in Home Assistant's language:
        # an entry and a device side by side read the same.
        names = await async_get_translations(
            self.hass, self.hass.config.language, "device", [DOMAIN]
        )
        title = names.get(f"component.{DOMAIN}.device.{HOUSEHOLD_UNIQUE_ID}.name", "Household")
        return self.async_create_entry(title=title, data={CONF_KIND: EntryKind.HOUSEHOLD})
