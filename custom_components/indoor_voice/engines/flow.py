"""The config flow's steps for an engine (any Wyoming service): probing what answers at a host
and port, and adding it by hand, by zeroconf or from the Supervisor's add-on discovery."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from typing import Any
from urllib.parse import urlparse

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.service_info.hassio import HassioServiceInfo
from wyoming.info import Info

from ..compat import vol
from ..const import CONF_KIND, DEFAULT_ENGINE_PORT, WYOMING_TIMEOUT, EntryKind
from ..privacy.local_hosts import HostNotFound, NotLocalError, async_resolve_local
from .client import EngineUnavailable, NotWyoming, async_describe
from .coordinator import offered_platforms

_LOGGER = logging.getLogger(__name__)


def host_port_schema(host: str = "", port: int = DEFAULT_ENGINE_PORT) -> vol.Schema:
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


async def async_probe(host: str, port: int) -> tuple[Info | None, dict[str, str]]:
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
    if not offered_platforms(info) and not is_plain_satellite(info):
        return None, {"base": "no_services"}
    return info, {}


def is_plain_satellite(info: Info) -> bool:
    """A Wyoming service that says it is a satellite."""
    return info.satellite is not None and info.satellite.installed


async def async_speaks_tls(host: str, port: int) -> bool:
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


class EngineSteps(ConfigFlow):
    """Confirming a discovered engine, and creating its entry."""

    _discovered: tuple[str, int, Info] | None = None
    _addon: tuple[str, int, str] | None = None  # host, port, add-on name

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
            info, errors = await async_probe(host, port)
            if info is not None:
                return self._create_engine(host, port, info)
        return self.async_show_form(
            step_id="hassio_confirm", description_placeholders={"addon": name}, errors=errors
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

    @callback
    def _create_engine(self, host: str, port: int, info: Info) -> ConfigFlowResult:
        return self.async_create_entry(
            title=engine_title(info, host),
            data={CONF_KIND: EntryKind.ENGINE, CONF_HOST: host, CONF_PORT: port},
        )
