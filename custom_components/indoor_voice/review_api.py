"""Reviewing kept clips: admin-only websocket commands and services, no URL of any kind.

Nothing here sends anything anywhere: export writes a bundle of approved clips to a file
the administrator names, on this machine.
"""

from __future__ import annotations

import base64
from dataclasses import asdict
from pathlib import Path
from typing import Any

from homeassistant.components import websocket_api
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.service import async_register_admin_service

from .compat import vol
from .const import DOMAIN
from .household import DATA_HOUSEHOLD
from .review_store import ClipNotFound

SERVICE_REVOKE = "revoke_consent"
SERVICE_EXPORT = "export_review_bundle"


def _export_path(hass: HomeAssistant, raw: str) -> Path:
    """An absolute .tar.gz path inside the config dir or an allowed external dir, never www/."""
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = Path(hass.config.path(raw))
    path = path.resolve()
    served = Path(hass.config.path("www")).resolve()
    inside_config = path.is_relative_to(Path(hass.config.config_dir).resolve())
    if path.is_relative_to(served) or not (inside_config or hass.config.is_allowed_path(str(path))):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="export_path_not_allowed",
            translation_placeholders={"path": raw},
        )
    return path if path.name.endswith(".tar.gz") else path.with_name(path.name + ".tar.gz")


async def async_export(hass: HomeAssistant, raw_path: str) -> dict[str, Any]:
    path = _export_path(hass, raw_path)
    count = await hass.async_add_executor_job(hass.data[DATA_HOUSEHOLD].review.export, path)
    return {"path": str(path), "clips": count}


@callback
def async_register(hass: HomeAssistant) -> None:
    for command in (_list, _get, _update, _delete, _export):
        websocket_api.async_register_command(hass, command)

    async def revoke(call: ServiceCall) -> None:
        await hass.data[DATA_HOUSEHOLD].async_revoke(call.context.user_id)

    async def export(call: ServiceCall) -> None:
        await async_export(hass, call.data["path"])

    async_register_admin_service(hass, DOMAIN, SERVICE_REVOKE, revoke)
    async_register_admin_service(
        hass, DOMAIN, SERVICE_EXPORT, export, vol.Schema({vol.Required("path"): cv.string})
    )


def _clip_error(connection: websocket_api.ActiveConnection, msg_id: int) -> None:
    connection.send_error(msg_id, websocket_api.ERR_NOT_FOUND, "No review clip with that id")


@websocket_api.require_admin
@websocket_api.websocket_command({vol.Required("type"): "indoor_voice/review/list"})
@websocket_api.async_response
async def _list(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    household = hass.data[DATA_HOUSEHOLD]
    clips = await hass.async_add_executor_job(household.review.clips)
    connection.send_result(
        msg["id"], {"sharing": household.sharing, "clips": [asdict(c) for c in clips]}
    )


@websocket_api.require_admin
@websocket_api.websocket_command(
    {vol.Required("type"): "indoor_voice/review/get", vol.Required("clip_id"): str}
)
@websocket_api.async_response
async def _get(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    review = hass.data[DATA_HOUSEHOLD].review
    try:
        clip = await hass.async_add_executor_job(review.get, msg["clip_id"])
        audio = await hass.async_add_executor_job(review.audio, msg["clip_id"])
    except ClipNotFound:
        _clip_error(connection, msg["id"])
        return
    connection.send_result(
        msg["id"], {"clip": asdict(clip), "audio_wav_base64": base64.b64encode(audio).decode()}
    )


@websocket_api.require_admin
@websocket_api.websocket_command(
    {
        vol.Required("type"): "indoor_voice/review/update",
        vol.Required("clip_id"): str,
        vol.Optional("corrected"): str,
        vol.Optional("status"): vol.In(["pending", "approved"]),
    }
)
@websocket_api.async_response
async def _update(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    household = hass.data[DATA_HOUSEHOLD]
    try:
        clip = await hass.async_add_executor_job(
            lambda: household.review.update(
                msg["clip_id"], corrected=msg.get("corrected"), status=msg.get("status")
            )
        )
    except ClipNotFound:
        _clip_error(connection, msg["id"])
        return
    await household.async_clips_changed()
    connection.send_result(msg["id"], {"clip": asdict(clip)})


@websocket_api.require_admin
@websocket_api.websocket_command(
    {vol.Required("type"): "indoor_voice/review/delete", vol.Required("clip_id"): str}
)
@websocket_api.async_response
async def _delete(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    household = hass.data[DATA_HOUSEHOLD]
    try:
        await hass.async_add_executor_job(household.review.delete, msg["clip_id"])
    except ClipNotFound:
        _clip_error(connection, msg["id"])
        return
    await household.async_clips_changed()
    connection.send_result(msg["id"])


@websocket_api.require_admin
@websocket_api.websocket_command(
    {vol.Required("type"): "indoor_voice/review/export", vol.Required("path"): str}
)
@websocket_api.async_response
async def _export(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    try:
        result = await async_export(hass, msg["path"])
    except ServiceValidationError as err:
        connection.send_error(msg["id"], websocket_api.ERR_INVALID_FORMAT, str(err))
        return
    connection.send_result(msg["id"], result)
