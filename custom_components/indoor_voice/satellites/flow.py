"""The config flow's steps for a satellite: pairing an Indoor Voice satellite with the code it
shows (found by zeroconf or added by host), pairing it again (reauth), and adding a plain
Wyoming satellite with the plain truth about its audio."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from wyoming.info import Info

from .. import link
from ..compat import vol
from ..const import CONF_AREA, CONF_FINGERPRINT, CONF_KIND, CONF_PAIRING_CODE, EntryKind
from ..link import client as link_client  # loaded with us, not in the loop
from ..privacy.local_hosts import HostNotFound, NotLocalError, async_resolve_local
from .identity import DATA_LINK_IDENTITY

_REJECTIONS = {
    link.RejectReason.WRONG_CODE: "wrong_code",
    link.RejectReason.INVALID_CODE_FORMAT: "invalid_code",
    link.RejectReason.RATE_LIMITED: "rate_limited",
    link.RejectReason.ALREADY_PAIRED: "already_paired",
    link.RejectReason.BUSY: "busy",
    link.RejectReason.SATELLITE_UNVERIFIED: "wrong_satellite",
}
# What stops a link from being made (pairing, or connecting as a paired one).
LINK_FAILURES = (NotLocalError, HostNotFound, link.LinkError, OSError)


def link_errors(err: BaseException) -> dict[str, str]:
    """The form errors for one of LINK_FAILURES."""
    if isinstance(err, NotLocalError):
        return {"base": "not_local"}
    if isinstance(err, HostNotFound):
        return {"base": "cannot_resolve"}
    if isinstance(err, link.PairingRejected):
        return {"base": _REJECTIONS.get(err.reason, "cannot_connect")}
    if isinstance(err, link.FingerprintMismatch):
        return {"base": "wrong_satellite"}
    return {"base": "cannot_connect"}


async def async_check_paired(
    hass: HomeAssistant, host: str, port: int, fingerprint: str
) -> dict[str, str]:
    """Form errors unless the paired satellite answers at host:port."""
    identity = await hass.data[DATA_LINK_IDENTITY].async_get()
    try:
        address = await async_resolve_local(host, port)
        connection = await link_client.connect(address, port, identity, fingerprint)
    except LINK_FAILURES as err:
        return link_errors(err)
    await connection.close()
    return {}


class SatelliteSteps(ConfigFlow):
    """Pairing with an Indoor Voice satellite, and adding a plain Wyoming one."""

    _satellite: tuple[str, int, str | None] | None = None  # host, port, fingerprint
    _plain: tuple[str, int, Info] | None = None

    async def _async_discovered_satellite(
        self, discovery_info: ZeroconfServiceInfo, host: str, port: int
    ) -> ConfigFlowResult:
        fingerprint = link_client.normalize_fingerprint(
            str(discovery_info.properties.get("fingerprint", ""))
        )
        if len(fingerprint) != 64:
            return self.async_abort(reason="not_indoor_voice")
        try:
            await async_resolve_local(host, port)
        except (NotLocalError, HostNotFound) as err:
            return self.async_abort(reason=link_errors(err)["base"])
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
            identity = await self.hass.data[DATA_LINK_IDENTITY].async_get()
            try:
                address = await async_resolve_local(host, port)
                result = await link_client.pair(
                    address,
                    port,
                    user_input[CONF_PAIRING_CODE],
                    identity,
                    expected_fingerprint=expected,
                )
            except LINK_FAILURES as err:
                errors = link_errors(err)
                if isinstance(err, link.PairingRejected) and err.retry_after:
                    placeholders["retry_after"] = str(round(err.retry_after))
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
                CONF_KIND: EntryKind.SATELLITE,
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
                CONF_KIND: EntryKind.WYOMING_SATELLITE,
                CONF_HOST: host,
                CONF_PORT: port,
                CONF_AREA: info.satellite.area,
            },
        )
