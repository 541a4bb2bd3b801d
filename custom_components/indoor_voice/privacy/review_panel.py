"""The "Voice review" page in Home Assistant's sidebar, for administrators only.

A small web component served from this folder (no build step, nothing from the internet)
reads and changes clips through the admin-only websocket commands (review_api.py). Files are
what a websocket message is a poor fit for: a clip's audio and an export bundle come from
authenticated, admin-only endpoints that no cache may keep. No URL serves either without a
login, and serving them writes nothing.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from pathlib import Path
from typing import Final

from aiohttp import hdrs, web
from homeassistant.components import panel_custom
from homeassistant.components.http import KEY_HASS_USER, HomeAssistantView, StaticPathConfig
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS
from homeassistant.helpers.translation import async_get_translations

from ..const import DOMAIN
from .household import DATA_HOUSEHOLD
from .review_store import ClipNotFound, ExportNotFound

_LOGGER = logging.getLogger(__name__)

PANEL_URL_PATH: Final = "indoor-voice-review"
PANEL_ELEMENT: Final = "indoor-voice-review"
PANEL_TITLE: Final = "Voice review"  # without translations
# The page's words (frontend/review-i18n.js): strings.json, selector "review_page", which
# Home Assistant serves to its frontend on every supported release.
WORDS: Final = f"component.{DOMAIN}.selector.review_page.options."
PANEL_ICON: Final = "mdi:account-voice"
STATIC_URL: Final = f"/{DOMAIN}_static"
PANEL_SCRIPT: Final = Path(__file__).parent / "frontend" / "review-panel.js"
AUDIO_URL: Final = "/api/indoor_voice/review/{clip_id}/audio"
EXPORT_URL: Final = "/api/indoor_voice/review/exports/{name}"

# Nothing may keep a copy of a clip: not the browser, not a proxy.
NO_STORE: Final = {"Cache-Control": "no-store, private", "Pragma": "no-cache"}


class ReviewAudioView(HomeAssistantView):
    """One clip's audio (WAV), for an administrator's browser."""

    url = AUDIO_URL
    name = "api:indoor_voice:review:audio"
    requires_auth = True

    async def get(self, request: web.Request, clip_id: str) -> web.Response:
        if not request[KEY_HASS_USER].is_admin:
            return web.Response(status=HTTPStatus.FORBIDDEN, headers=NO_STORE)
        hass = request.app[KEY_HASS]
        try:
            audio = await hass.async_add_executor_job(
                hass.data[DATA_HOUSEHOLD].review.audio, clip_id
            )
        except ClipNotFound:
            return web.Response(status=HTTPStatus.NOT_FOUND, headers=NO_STORE)
        return web.Response(body=audio, content_type="audio/wav", headers=NO_STORE)


class ReviewExportView(HomeAssistantView):
    """An export bundle as a download, so an administrator can take it off a Home Assistant
    whose folders they cannot reach (Home Assistant OS). It sends the bundle that already
    exists: retention and revocation still delete it."""

    url = EXPORT_URL
    name = "api:indoor_voice:review:export"
    requires_auth = True

    async def get(self, request: web.Request, name: str) -> web.StreamResponse:
        if not request[KEY_HASS_USER].is_admin:
            return web.Response(status=HTTPStatus.FORBIDDEN, headers=NO_STORE)
        hass = request.app[KEY_HASS]
        try:
            path = await hass.async_add_executor_job(
                hass.data[DATA_HOUSEHOLD].review.export_path, name
            )
        except ExportNotFound:
            return web.Response(status=HTTPStatus.NOT_FOUND, headers=NO_STORE)
        # The type is set here: guessed from ".tar.gz", it would come with
        # "Content-Encoding: gzip", and browsers would save the bundle unpacked.
        return web.FileResponse(
            path,
            headers={
                **NO_STORE,
                hdrs.CONTENT_TYPE: "application/gzip",
                hdrs.CONTENT_DISPOSITION: f'attachment; filename="{path.name}"',
            },
        )


async def async_register(hass: HomeAssistant) -> None:
    """The file endpoints always; the page when Home Assistant serves its frontend."""
    hass.http.register_view(ReviewAudioView())
    hass.http.register_view(ReviewExportView())
    if "frontend" not in hass.config.components:
        _LOGGER.debug("No frontend loaded: the Voice review page is not registered")
        return
    await hass.http.async_register_static_paths(
        [StaticPathConfig(STATIC_URL, str(PANEL_SCRIPT.parent), cache_headers=False)]
    )
    # The file's modification time in the URL: an updated page is never taken from a cache.
    version = int(await hass.async_add_executor_job(lambda: PANEL_SCRIPT.stat().st_mtime))
    # The sidebar names the page in Home Assistant's language (the page itself follows the
    # user's).
    words = await async_get_translations(hass, hass.config.language, "selector", [DOMAIN])
    await panel_custom.async_register_panel(
        hass,
        frontend_url_path=PANEL_URL_PATH,
        webcomponent_name=PANEL_ELEMENT,
        sidebar_title=words.get(f"{WORDS}panel_title", PANEL_TITLE),
        sidebar_icon=PANEL_ICON,
        module_url=f"{STATIC_URL}/{PANEL_SCRIPT.name}?v={version}",
        require_admin=True,
    )
