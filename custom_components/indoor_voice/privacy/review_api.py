"""Reviewing kept clips: admin-only websocket commands and services.

Nothing here sends anything anywhere: export writes a bundle of approved clips into the
review folder's `exports/`, on this machine, where retention and revocation delete it (an
administrator downloads it from there: review_panel.py).
"""

from __future__ import annotations

import base64
import functools
import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from homeassistant.components import websocket_api
from homeassistant.components.websocket_api.const import (
    AsyncWebSocketCommandHandler,
    WebSocketCommandHandler,
)
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.helpers.service import async_register_admin_service
from homeassistant.util import dt as dt_util

from ..compat import vol
from ..const import DOMAIN
from .consent import ConsentRequired
from .household import DATA_HOUSEHOLD
from .review_store import ClipNotFound

_LOGGER = logging.getLogger(__name__)

SERVICE_REVOKE = "revoke_consent"
SERVICE_EXPORT = "export_review_bundle"


async def async_export(hass: HomeAssistant) -> dict[str, Any]:
    """Bundle the approved clips where the retention limit and revocation reach them."""
    review = hass.data[DATA_HOUSEHOLD].review
    path, count = await hass.async_add_executor_job(review.export, dt_util.utcnow())
    _LOGGER.info("Exported %d approved review clips", count)
    return {"path": str(path), "name": path.name, "clips": count}


@callback
def async_register(hass: HomeAssistant) -> None:
    for command in (_list, _get, _update, _delete, _export, _consent, _sharing):
        websocket_api.async_register_command(hass, command)

    async def revoke(call: ServiceCall) -> None:
        await hass.data[DATA_HOUSEHOLD].async_revoke(call.context.user_id)

    async def export(call: ServiceCall) -> None:
        await async_export(hass)

    async_register_admin_service(hass, DOMAIN, SERVICE_REVOKE, revoke)
    async_register_admin_service(hass, DOMAIN, SERVICE_EXPORT, export)


def _admin_command(
    schema: dict[Any, Any],
) -> Callable[[AsyncWebSocketCommandHandler], WebSocketCommandHandler]:
    """An administrators-only websocket command; a clip that does not exist (any more) is
    answered with "not found"."""

    def decorate(handler: AsyncWebSocketCommandHandler) -> WebSocketCommandHandler:
        @functools.wraps(handler)
        async def answer(
            hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
        ) -> None:
            try:
                await handler(hass, connection, msg)
            except ClipNotFound:
                connection.send_error(
                    msg["id"], websocket_api.ERR_NOT_FOUND, "No review clip with that id"
                )

        return websocket_api.require_admin(
            websocket_api.websocket_command(schema)(websocket_api.async_response(answer))
        )

    return decorate


@_admin_command({vol.Required("type"): "indoor_voice/review/list"})
async def _list(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    household = hass.data[DATA_HOUSEHOLD]
    clips = await hass.async_add_executor_job(household.review.clips)
    exports = await hass.async_add_executor_job(household.review.exports)
    connection.send_result(
        msg["id"],
        {
            "sharing": household.sharing,
            "clips": [asdict(c) for c in clips],
            "exports": [asdict(e) for e in exports],
        },
    )


@_admin_command({vol.Required("type"): "indoor_voice/review/get", vol.Required("clip_id"): str})
async def _get(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    review = hass.data[DATA_HOUSEHOLD].review
    clip = await hass.async_add_executor_job(review.get, msg["clip_id"])
    audio = await hass.async_add_executor_job(review.audio, msg["clip_id"])
    connection.send_result(
        msg["id"], {"clip": asdict(clip), "audio_wav_base64": base64.b64encode(audio).decode()}
    )


@_admin_command(
    {
        vol.Required("type"): "indoor_voice/review/update",
        vol.Required("clip_id"): str,
        vol.Optional("corrected"): str,
        vol.Optional("status"): vol.In(["pending", "approved"]),
    }
)
async def _update(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    household = hass.data[DATA_HOUSEHOLD]
    clip = await hass.async_add_executor_job(
        lambda: household.review.update(
            msg["clip_id"], corrected=msg.get("corrected"), status=msg.get("status")
        )
    )
    await household.async_clips_changed()
    connection.send_result(msg["id"], {"clip": asdict(clip)})


@_admin_command({vol.Required("type"): "indoor_voice/review/delete", vol.Required("clip_id"): str})
async def _delete(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    household = hass.data[DATA_HOUSEHOLD]
    await hass.async_add_executor_job(household.review.delete, msg["clip_id"])
    await household.async_clips_changed()
    connection.send_result(msg["id"])


@_admin_command({vol.Required("type"): "indoor_voice/review/export"})
async def _export(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    connection.send_result(msg["id"], await async_export(hass))


@_admin_command({vol.Required("type"): "indoor_voice/review/consent"})
async def _consent(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """The consent record, with the names of the users who acted (for the review page)."""
    household = hass.data[DATA_HOUSEHOLD]
    names: dict[str, str | None] = {}
    for entry in household.consent_log:
        if (user_id := entry.get("user_id")) and user_id not in names:
            user = await hass.auth.async_get_user(user_id)
            names[user_id] = user.name if user else None
    connection.send_result(
        msg["id"],
        {
            **household.as_diagnostics(),
            "consent_log": [
                {**e, "user_name": names.get(e.get("user_id") or "")} for e in household.consent_log
            ],
        },
    )


@_admin_command(
    {vol.Required("type"): "indoor_voice/review/sharing", vol.Required("enabled"): bool}
)
async def _sharing(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """Start sharing (needs a current acknowledgement), or stop and delete everything."""
    household = hass.data[DATA_HOUSEHOLD]
    user_id = connection.user.id
    if not msg["enabled"]:
        await household.async_revoke(user_id)
    else:
        try:
            await household.async_start_sharing(user_id)
        except ConsentRequired as err:
            connection.send_error(msg["id"], "consent_required", str(err))
            return
    connection.send_result(msg["id"], {"sharing": household.sharing})
