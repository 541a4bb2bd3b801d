"""Config flow: add an engine (any Wyoming service) by host and port, or by discovery."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.service_info.hassio import HassioServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from wyoming.info import Info

from . import link
from .compat import vol
from .const import (
    CONF_AREA,
    CONF_FINGERPRINT,
    CONF_KIND,
    CONF_PAIRING_CODE,
    DEFAULT_ENGINE_PORT,
    DOMAIN,
    SATELLITE_ZEROCONF_TYPE,
    WYOMING_TIMEOUT,
    Kind,
)
from .engine import offered_platforms
from .household import DATA_HOUSEHOLD
from .local_network import HostNotFound, NotLocalError, async_resolve_local
from .options_flow import ConsentOptionsFlow, EngineOptionsFlow
from .wyoming_link import EngineUnavailable, NotWyoming, async_describe

_LOGGER = logging.getLogger(__name__)

HOUSEHOLD_UNIQUE_ID = "household"

_REJECTIONS = {
    link.RejectReason.WRONG_CODE: "wrong_code",
    link.RejectReason.INVALID_CODE_FORMAT: "invalid_code",
    link.RejectReason.RATE_LIMITED: "rate_limited",
    link.RejectReason.ALREADY_PAIRED: "already_paired",
    link.RejectReason.BUSY: "busy",
    link.RejectReason.SATELLITE_UNVERIFIED: "wrong_satellite",
}


def _engine_schema(host: str = "", port: int = DEFAULT_ENGINE_PORT) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=host): str,
            vol.Required(CONF_PORT, default=port): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=65535)
            ),
        }
    )


def engine_title(info: Info, host: str) -> str:
    """A name for the engine's device: what it says it is, and where."""
    programs = [p for p in (*info.asr, *info.tts, *info.wake) if p.installed]
    name = programs[0].name if programs else "Wyoming"
    label = "Indoor Voice engine" if name == "indoor-voice" else name
    return f"{label} ({host})"


async def _probe(host: str, port: int) -> tuple[Info | None, dict[str, str]]:
    """Describe the service; on failure, the form error that explains why."""
    try:
        info = await async_describe(host, port)
    except NotLocalError:
        return None, {"base": "not_local"}
    except HostNotFound:
        return None, {"base": "cannot_resolve"}
    except EngineUnavailable:
        return None, {"base": "cannot_connect"}
    except NotWyoming:
        return None, {"base": "not_wyoming"}
    except HomeAssistantError:
        _LOGGER.exception("Unexpected error while adding %s:%s", host, port)
        return None, {"base": "unknown"}
    if not offered_platforms(info) and not _is_satellite(info):
        return None, {"base": "no_services"}
    return info, {}


def _is_satellite(info: Info) -> bool:
    return info.satellite is not None and info.satellite.installed


async def _speaks_tls(host: str, port: int) -> bool:
    """True if the port answers a TLS handshake: an Indoor Voice satellite's link."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        address = await async_resolve_local(host, port)
        async with asyncio.timeout(WYOMING_TIMEOUT):
            _, writer = await asyncio.open_connection(address, port, ssl=context)
    except (OSError, TimeoutError, HomeAssistantError):
        return False
    writer.close()
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(WYOMING_TIMEOUT):
            await writer.wait_closed()
    return True


class IndoorVoiceConfigFlow(ConfigFlow, domain=DOMAIN):
    """Adds engines; the household entry is created by the integration itself."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        self._discovered: tuple[str, int, Info] | None = None
        self._satellite: tuple[str, int, str | None] | None = None  # host, port, fingerprint
        self._plain: tuple[str, int, Info] | None = None
        self._addon: tuple[str, int, str] | None = None  # host, port, add-on name

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        return config_entry.data.get(CONF_KIND) in (Kind.ENGINE, Kind.HOUSEHOLD)

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        if config_entry.data.get(CONF_KIND) == Kind.HOUSEHOLD:
            return ConsentOptionsFlow()
        return EngineOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Host and port of an engine or a satellite: the flow finds out which it is."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
            self._async_abort_entries_match({CONF_HOST: host, CONF_PORT: port})
            info, errors = await _probe(host, port)
            if errors.get("base") == "not_wyoming" and await _speaks_tls(host, port):
                self._satellite = (host, port, None)
                return await self.async_step_pair()
            if info is not None and _is_satellite(info):
                await self.async_set_unique_id(f"{host}:{port}")
                self._abort_if_unique_id_configured()
                self._plain = (host, port, info)
                return await self.async_step_plain_satellite()
            if info is not None:
                await self.async_set_unique_id(f"{host}:{port}")
                self._abort_if_unique_id_configured()
                return self._create_engine(host, port, info)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(_engine_schema(), user_input),
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
        info, errors = await _probe(host, port)
        if info is None:
            return self.async_abort(reason=errors["base"])
        if _is_satellite(info):
            self._plain = (host, port, info)
            return await self.async_step_plain_satellite()
        self._discovered = (host, port, info)
        self.context["title_placeholders"] = {"name": engine_title(info, host)}
        return await self.async_step_zeroconf_confirm()

    async def async_step_hassio(self, discovery_info: HassioServiceInfo) -> ConfigFlowResult:
        """The engine add-on announced where it listens (Supervisor discovery)."""
        uri = urlparse(str(discovery_info.config.get("uri", "")))
        try:
            host, port = uri.hostname, uri.port
        except ValueError:  # a port out of range
            host = port = None
        if uri.scheme != "tcp" or not host or port is None:
            return self.async_abort(reason="invalid_discovery")
        await self.async_set_unique_id(f"{host}:{port}")
        self._abort_if_unique_id_configured()
        self._addon = (host, port, discovery_info.name)
        self.context["title_placeholders"] = {"name": discovery_info.name}
        self.context["configuration_url"] = (
            f"homeassistant://hassio/addon/{discovery_info.slug}/info"
        )
        return await self.async_step_hassio_confirm()

    async def async_step_hassio_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """One click: the engine is described only now, so a slow first start (models
        still downloading) shows as an error the household can retry."""
        assert self._addon is not None
        host, port, name = self._addon
        errors: dict[str, str] = {}
        if user_input is not None:
            info, errors = await _probe(host, port)
            if info is not None:
                return self._create_engine(host, port, info)
        return self.async_show_form(
            step_id="hassio_confirm", description_placeholders={"addon": name}, errors=errors
        )

    async def _async_discovered_satellite(
        self, discovery_info: ZeroconfServiceInfo, host: str, port: int
    ) -> ConfigFlowResult:
        fingerprint = link.normalize_fingerprint(
            str(discovery_info.properties.get("fingerprint", ""))
        )
        if len(fingerprint) != 64:
            return self.async_abort(reason="not_indoor_voice")
        try:
            await async_resolve_local(host, port)
        except NotLocalError:
            return self.async_abort(reason="not_local")
        except HostNotFound:
            return self.async_abort(reason="cannot_resolve")
        await self.async_set_unique_id(fingerprint)
        self._abort_if_unique_id_configured(updates={CONF_HOST: host, CONF_PORT: port})
        self._satellite = (host, port, fingerprint)
        name = str(discovery_info.properties.get("name") or discovery_info.name.split(".")[0])
        self.context["title_placeholders"] = {"name": name}
        return await self.async_step_pair()

    async def async_step_pair(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The pairing code the satellite shows (indoor-voice-satellite --print-pairing-code)."""
        assert self._satellite is not None
        host, port, expected = self._satellite
        errors: dict[str, str] = {}
        placeholders = {"host": host, "port": str(port), "retry_after": "30"}
        if user_input is not None:
            identity = await self.hass.data[DATA_HOUSEHOLD].async_link_identity()
            try:
                address = await async_resolve_local(host, port)
                result = await link.pair(
                    address,
                    port,
                    user_input[CONF_PAIRING_CODE],
                    identity,
                    expected_fingerprint=expected,
                )
            except NotLocalError:
                errors = {"base": "not_local"}
            except HostNotFound:
                errors = {"base": "cannot_resolve"}
            except link.PairingRejected as err:
                errors = {"base": _REJECTIONS.get(err.reason, "cannot_connect")}
                if err.retry_after:
                    placeholders["retry_after"] = str(round(err.retry_after))
            except link.FingerprintMismatch:
                errors = {"base": "wrong_satellite"}
            except (link.LinkError, OSError):
                errors = {"base": "cannot_connect"}
            else:
                return await self._async_paired(host, port, result)
        return self.async_show_form(
            step_id="pair",
            data_schema=vol.Schema({vol.Required(CONF_PAIRING_CODE): str}),
            description_placeholders=placeholders,
            errors=errors,
        )

    async def _async_paired(
        self, host: str, port: int, result: link.PairingResult
    ) -> ConfigFlowResult:
        data = {CONF_HOST: host, CONF_PORT: port, CONF_FINGERPRINT: result.satellite_fingerprint}
        if self.source == SOURCE_REAUTH:
            entry = self._get_reauth_entry()
            if entry.data[CONF_FINGERPRINT] != result.satellite_fingerprint:
                return self.async_abort(reason="wrong_satellite")
            return self.async_update_reload_and_abort(entry, data_updates=data)
        await self.async_set_unique_id(result.satellite_fingerprint)
        self._abort_if_unique_id_configured(updates={CONF_HOST: host, CONF_PORT: port})
        satellite = result.info.satellite
        return self.async_create_entry(
            title=satellite.name if satellite else f"Satellite ({host})",
            data={
                **data,
                CONF_KIND: Kind.SATELLITE,
                CONF_AREA: satellite.area if satellite else None,
            },
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The satellite was paired again (`--pair`): it needs its new code."""
        self._satellite = (
            entry_data[CONF_HOST],
            entry_data[CONF_PORT],
            entry_data[CONF_FINGERPRINT],
        )
        return await self.async_step_pair()

    async def async_step_plain_satellite(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A plain Wyoming satellite: allowed, with the plain truth about its audio."""
        assert self._plain is not None
        host, port, info = self._plain
        assert info.satellite is not None
        if user_input is None:
            return self.async_show_form(
                step_id="plain_satellite",
                description_placeholders={"name": info.satellite.name, "host": host},
            )
        return self.async_create_entry(
            title=info.satellite.name,
            data={
                CONF_KIND: Kind.WYOMING_SATELLITE,
                CONF_HOST: host,
                CONF_PORT: port,
                CONF_AREA: info.satellite.area,
            },
        )

    async def async_step_zeroconf_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        assert self._discovered is not None
        host, port, info = self._discovered
        if user_input is None:
            return self.async_show_form(
                step_id="zeroconf_confirm",
                description_placeholders={"name": engine_title(info, host)},
            )
        return self._create_engine(host, port, info)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The engine or satellite moved: a new host or port, the same device."""
        entry = self._get_reconfigure_entry()
        if entry.data[CONF_KIND] == Kind.HOUSEHOLD:
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
                    if entry.data[CONF_KIND] == Kind.SATELLITE
                    else f"{host}:{port}",
                    data_updates={CONF_HOST: host, CONF_PORT: port},
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_engine_schema(entry.data[CONF_HOST], entry.data[CONF_PORT]),
            errors=errors,
        )

    async def _async_same_device_at(
        self, entry: ConfigEntry, host: str, port: int
    ) -> dict[str, str]:
        """Form errors unless what answers at host:port is the kind of thing the entry is."""
        if entry.data[CONF_KIND] == Kind.SATELLITE:
            identity = await self.hass.data[DATA_HOUSEHOLD].async_link_identity()
            try:
                address = await async_resolve_local(host, port)
                connection = await link.connect(
                    address, port, identity, entry.data[CONF_FINGERPRINT]
                )
            except NotLocalError:
                return {"base": "not_local"}
            except HostNotFound:
                return {"base": "cannot_resolve"}
            except link.FingerprintMismatch:
                return {"base": "wrong_satellite"}
            except (link.LinkError, OSError):
                return {"base": "cannot_connect"}
            await connection.close()
            return {}
        info, errors = await _probe(host, port)
        if info is None:
            return errors
        wants_satellite = entry.data[CONF_KIND] == Kind.WYOMING_SATELLITE
        if _is_satellite(info) != wants_satellite:
            return {"base": "different_device"}
        return {}

    async def async_step_system(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The one household entry: holds the choices that belong to the whole home."""
        await self.async_set_unique_id(HOUSEHOLD_UNIQUE_ID)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title="Household", data={CONF_KIND: Kind.HOUSEHOLD})

    @callback
    def _create_engine(self, host: str, port: int, info: Info) -> ConfigFlowResult:
        return self.async_create_entry(
            title=engine_title(info, host),
            data={CONF_KIND: Kind.ENGINE, CONF_HOST: host, CONF_PORT: port},
        )
