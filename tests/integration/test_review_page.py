"""What the Voice review page stands on: its audio endpoint, its consent record, and exports
that go wherever the clips go. (tests/browser drives the page itself.)"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.indoor_voice.const import DOMAIN
from custom_components.indoor_voice.privacy.review_panel import (
    AUDIO_URL,
    EXPORT_URL,
    PANEL_URL_PATH,
)
from testbed.speech import read_wav
from tests.integration.test_privacy import SWITCH, _household, _share, _speak_to_stt


async def _clip_id(home: HomeAssistant, client: ClientSessionGenerator, user_id: str) -> str:
    await _share(home, client, user_id)
    await _speak_to_stt(home, "lock the front door")
    return _household(home).review.clips()[0].id


async def test_an_administrator_hears_a_clip_that_no_cache_keeps(
    home: HomeAssistant, hass_client: ClientSessionGenerator, hass_admin_user: Any
) -> None:
    clip_id = await _clip_id(home, hass_client, hass_admin_user.id)
    answer = await (await hass_client()).get(AUDIO_URL.format(clip_id=clip_id))
    assert answer.status == HTTPStatus.OK and answer.content_type == "audio/wav"
    assert "no-store" in answer.headers["Cache-Control"]
    _, rate, _, _ = read_wav(await answer.read())
    assert rate == 16000
    missing = await (await hass_client()).get(AUDIO_URL.format(clip_id="0" * 16))
    assert missing.status == HTTPStatus.NOT_FOUND


async def test_nobody_else_hears_a_clip(
    home: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    hass_admin_user: Any,
    hass_read_only_access_token: str,
) -> None:
    clip_id = await _clip_id(home, hass_client, hass_admin_user.id)
    url = AUDIO_URL.format(clip_id=clip_id)
    visitor = await hass_client(hass_read_only_access_token)
    assert (await visitor.get(url)).status == HTTPStatus.FORBIDDEN
    assert (await (await hass_client_no_auth()).get(url)).status == HTTPStatus.UNAUTHORIZED


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


async def test_an_administrator_downloads_an_export_that_no_cache_keeps(
    home: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    hass_admin_user: Any,
    hass_read_only_access_token: str,
    hass_ws_client: WebSocketGenerator,
) -> None:
    clip_id = await _clip_id(home, hass_client, hass_admin_user.id)
    admin = await hass_ws_client(home)
    await admin.send_json_auto_id(
        {"type": "indoor_voice/review/update", "clip_id": clip_id, "status": "approved"}
    )
    await admin.receive_json()
    await admin.send_json_auto_id({"type": "indoor_voice/review/export"})
    exported = (await admin.receive_json())["result"]
    bundle = Path(exported["path"])
    assert exported["name"] == bundle.name
    config_dir = Path(home.config.config_dir)
    before = _files(config_dir)

    url = EXPORT_URL.format(name=bundle.name)
    answer = await (await hass_client()).get(url, auto_decompress=False)
    assert answer.status == HTTPStatus.OK
    assert "no-store" in answer.headers["Cache-Control"]
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{bundle.name}"'
    assert answer.content_type == "application/gzip"
    assert "Content-Encoding" not in answer.headers  # saved as the bundle, not unpacked
    assert await answer.read() == bundle.read_bytes()
    assert _files(config_dir) == before  # a download writes nothing

    visitor = await hass_client(hass_read_only_access_token)
    assert (await visitor.get(url)).status == HTTPStatus.FORBIDDEN
    assert (await (await hass_client_no_auth()).get(url)).status == HTTPStatus.UNAUTHORIZED
    # Only a bundle sharing keeps: no other file of the review folder, nothing outside it.
    for name in ("review-export-0.tar.gz", f"{clip_id}.wav", f"..%2F{clip_id}.json"):
        missing = await (await hass_client()).get(EXPORT_URL.format(name=name))
        assert missing.status in {HTTPStatus.NOT_FOUND, HTTPStatus.BAD_REQUEST}, name


async def test_the_page_is_in_the_sidebar_of_administrators_only(core: HomeAssistant) -> None:
    assert await async_setup_component(core, "frontend", {})
    assert await async_setup_component(core, DOMAIN, {})
    panel = core.data["frontend_panels"][PANEL_URL_PATH]
    assert panel.require_admin and panel.sidebar_title == "Voice review"
    assert panel.config["_panel_custom"]["module_url"].startswith("/indoor_voice_static/")


async def test_the_consent_record_names_who_chose_and_the_page_can_start_and_stop(
    home: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_admin_user: Any,
    hass_ws_client: WebSocketGenerator,
) -> None:
    clip_id = await _clip_id(home, hass_client, hass_admin_user.id)
    admin = await hass_ws_client(home)
    await admin.send_json_auto_id({"type": "indoor_voice/review/consent"})
    record = (await admin.receive_json())["result"]
    assert [(e["action"], e["user_name"]) for e in record["consent_log"]] == [
        ("granted", hass_admin_user.name),
        ("sharing_on", hass_admin_user.name),
    ]
    await admin.send_json_auto_id(
        {"type": "indoor_voice/review/update", "clip_id": clip_id, "status": "approved"}
    )
    await admin.receive_json()
    await admin.send_json_auto_id({"type": "indoor_voice/review/export"})
    bundle = Path((await admin.receive_json())["result"]["path"])

    await admin.send_json_auto_id({"type": "indoor_voice/review/sharing", "enabled": False})
    assert (await admin.receive_json())["result"] == {"sharing": False}
    assert not bundle.exists() and not _household(home).review.root.exists()
    last = _household(home).consent_log[-1]
    assert (last["action"], last["deleted_clips"], last["deleted_exports"]) == ("revoked", 1, 1)
    assert home.states.get(SWITCH).state == "off"

    await admin.send_json_auto_id({"type": "indoor_voice/review/sharing", "enabled": True})
    refused = await admin.receive_json()
    assert refused["error"]["code"] == "consent_required"


async def test_retention_deletes_old_exports_too(
    home: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_admin_user: Any,
    hass_ws_client: WebSocketGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await _clip_id(home, hass_client, hass_admin_user.id)
    admin = await hass_ws_client(home)
    await admin.send_json_auto_id({"type": "indoor_voice/review/export"})
    bundle = Path((await admin.receive_json())["result"]["path"])
    freezer.tick(timedelta(days=29))
    async_fire_time_changed(home)
    await home.async_block_till_done(wait_background_tasks=True)
    assert bundle.exists()
    freezer.tick(timedelta(days=2))
    async_fire_time_changed(home)
    await home.async_block_till_done(wait_background_tasks=True)
    assert not bundle.exists()
