"""The household reviews what is kept, in Home Assistant's own UI, in a real browser.

An administrator agrees to the disclosure in the Household entry's dialog, starts sharing on
the Voice review page, speaks a command, hears it there, corrects and approves it, exports
and downloads it, then stops sharing: the page, the files and the export are all gone. A user
who is not an administrator never sees the page and gets nothing from its endpoints. A
German-speaking administrator reads the page in German.
"""

from __future__ import annotations

import re
import tarfile
from pathlib import Path
from typing import Any

import aiohttp
from playwright.async_api import Browser, FloatRect, Locator, Page, expect

from testbed.speech import espeak, silence
from tests.browser.conftest import House, open_as, screenshot
from tests.support.ha_websocket import CommandFailed, HomeAssistantSocket
from tests.support.home_assistant_process import Tokens

PANEL = "indoor-voice-review"
SPOKEN = "lock the front door"
HEARD = "front door"
CORRECTED = "Lock the front door, please."
AUDIO = "/api/indoor_voice/review/{clip_id}/audio"
KEPT_KINDS = {".wav", ".flac", ".mp3", ".ogg", ".pcm", ".raw", ".gz", ".tar", ".txt"}


async def _agree_in_the_household_dialog(page: Page, house: House) -> None:
    await page.goto(f"{house.base}/config/integrations/integration/indoor_voice")
    # The Household entry's row (a list item in 2025.4, a config entry row since).
    household = page.locator("ha-config-entry-row, ha-md-list-item", has_text="Household")
    await household.get_by_role("button", name="Configure").first.click()
    dialog = page.locator("dialog-data-entry-flow")
    await expect(dialog.get_by_text("Share recordings for review?")).to_be_visible()
    await expect(dialog.get_by_text("indoor_voice/review/exports")).to_be_visible()
    # force: since 2026 the checkbox's own drawn box lies over its input and takes the click.
    agree = dialog.get_by_role("checkbox", name=re.compile("I have read this and agree"))
    await agree.check(force=True)
    await screenshot(page, "1-consent-dialog")
    await dialog.get_by_role("button", name="Submit").click()
    await expect(dialog.get_by_text("your consent to disclosure version")).to_be_visible()
    # The thank-you has a title, and the dialog's help and close buttons sit beside it, not on
    # its words.
    title = dialog.get_by_role("heading", name="Consent recorded")
    await expect(title).to_be_visible()
    words = [title, dialog.get_by_text("your consent to disclosure version")]
    buttons = dialog.locator("ha-icon-button:visible")
    assert await buttons.count() >= 1
    for button in await buttons.all():
        for text in words:
            assert not _overlap(await button.bounding_box(), await _text_box(text))
    await expect(dialog.get_by_text("Start sharing")).to_be_visible()
    await screenshot(page, "2-consent-recorded")


async def _text_box(element: Locator) -> FloatRect:
    """Where an element's words are drawn (a heading's box is as wide as the dialog)."""
    box: FloatRect = await element.evaluate(
        """e => { const range = document.createRange(); range.selectNodeContents(e);
        const b = range.getBoundingClientRect();
        return {x: b.x, y: b.y, width: b.width, height: b.height}; }"""
    )
    return box


def _overlap(a: FloatRect | None, b: FloatRect | None) -> bool:
    assert a is not None and b is not None
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


async def _pipeline_id(admin: HomeAssistantSocket) -> str:
    pipelines = await admin.call("assist_pipeline/pipeline/list")
    return next(p["id"] for p in pipelines["pipelines"] if p["name"] == "Indoor Voice (local)")


def _kept_files(folder: Path) -> list[str]:
    """Every file under the config dir that holds audio, a bundle or the command's words."""
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        content = path.read_bytes().lower()
        if path.suffix in KEPT_KINDS or b"front door" in content or b"riff" in content[:4]:
            found.append(str(path.relative_to(folder)))
    return found


async def _start_sharing_on_the_page(page: Page, house: House) -> Locator:
    await page.goto(f"{house.base}/{PANEL}")
    panel = page.locator(PANEL)
    await expect(page.locator("ha-sidebar").get_by_text("Voice review")).to_be_visible()
    await panel.locator("#start-sharing").click()
    await expect(panel.locator("#sharing-state")).to_have_text("On")
    await expect(panel.locator("#consent-log")).to_contain_text("Alex")
    await expect(panel.locator("#consent-log")).to_contain_text("Agreed to the disclosure")
    return panel


async def _speak(admin: HomeAssistantSocket) -> dict[str, Any]:
    """A command through the pipeline, as the frontend's voice dialog sends it; the clip."""
    audio = silence(0.5) + espeak(SPOKEN) + silence(1.5)
    events = await admin.speak(await _pipeline_id(admin), audio)
    heard = next(e for e in events if e["type"] == "stt-end")["data"]["stt_output"]["text"]
    assert HEARD in heard.lower()  # tiny.en may not catch every small word
    clips = (await admin.call("indoor_voice/review/list"))["clips"]
    return clips[-1]  # type: ignore[no-any-return]  # the newest


async def _audio_status(session: aiohttp.ClientSession, url: str, tokens: Tokens | None) -> int:
    headers = {"Authorization": f"Bearer {tokens.access_token}"} if tokens else {}
    async with session.get(url, headers=headers) as answer:
        if answer.status == 200:
            assert answer.content_type == "audio/wav"
            assert "no-store" in answer.headers["Cache-Control"]
        return answer.status


async def _hear_correct_and_approve(page: Page, panel: Locator, clip: dict[str, Any]) -> None:
    await page.reload()
    row = panel.locator(f".clip[data-clip='{clip['id']}']")
    transcript = row.locator("input[aria-label=Transcript]")
    await expect(transcript).to_have_value(re.compile(HEARD, re.IGNORECASE))
    await row.locator("button.play").click()
    player = row.locator("audio")
    await expect(player).to_have_count(1)
    await page.wait_for_function(  # loaded, and playing: time goes by
        "a => a.duration > 1 && a.currentTime > 0.3 && !a.paused",
        arg=await player.element_handle(),
    )
    await screenshot(page, "3-review-playing")
    await transcript.fill(CORRECTED)
    await row.locator("button.approve").click()
    await expect(row.get_by_text("Approved", exact=True)).to_be_visible()
    await expect(row.get_by_text(f"Heard: “{clip['transcript']}”")).to_be_visible()


async def _approve_and_delete_many(page: Page, panel: Locator, other: dict[str, Any]) -> None:
    """A second command: every clip approved at once, then the second one deleted."""
    await page.reload()
    await expect(panel.locator(".clip")).to_have_count(2)
    await panel.locator("#select-all").check()
    await panel.locator("#approve-selected").click()
    await expect(panel.get_by_role("status")).to_have_text("Approved 2 clips.")
    await expect(panel.locator(".clip").get_by_text("Approved", exact=True)).to_have_count(2)
    await panel.locator(f".clip[data-clip='{other['id']}'] input[type=checkbox]").check()
    page.once("dialog", lambda dialog: dialog.accept())
    await panel.locator("#delete-selected").click()
    await expect(panel.get_by_role("status")).to_have_text("Deleted 1 clip.")
    await expect(panel.locator(".clip")).to_have_count(1)


async def _export(page: Page, panel: Locator, house: House, clip: dict[str, Any]) -> Path:
    await panel.locator("#export").click()
    await expect(panel.get_by_role("status")).to_have_text(
        "Exported 1 approved clip: download it under Exports."
    )
    (bundle,) = (house.config_dir / "indoor_voice" / "review" / "exports").glob("*.tar.gz")
    row = panel.locator(f"#exports tr[data-export='{bundle.name}']")
    await expect(row).to_contain_text(bundle.name)
    # Downloaded as the browser saves any file: the bundle itself, under its own name.
    async with page.expect_download() as started:
        await row.locator("button.download").click()
    download = await started.value
    assert download.suggested_filename == bundle.name
    saved = Path(await download.path())
    assert saved.read_bytes() == bundle.read_bytes()
    with tarfile.open(saved) as archive:
        text = archive.extractfile(f"{clip['id']}.txt")
        assert text is not None and text.read() == f"{CORRECTED}\n".encode()
    await screenshot(page, "4-review-exported")
    await page.set_viewport_size({"width": 390, "height": 844})  # a phone
    await screenshot(page, "4-review-exported-phone")
    await page.set_viewport_size({"width": 1280, "height": 900})
    return bundle


async def test_an_administrator_reviews_a_kept_command_and_stopping_deletes_everything(
    house: House, browser: Browser
) -> None:
    page = await open_as(browser, house, house.owner)
    await _agree_in_the_household_dialog(page, house)
    panel = await _start_sharing_on_the_page(page, house)

    async with aiohttp.ClientSession() as session:
        admin = await HomeAssistantSocket.connect(session, house.base, house.owner.access_token)
        try:
            # A clean start: nothing in the browser says the configuration is broken.
            notes = await admin.notifications()
            assert not [n for n in notes if "config" in n["title"].lower()], notes
            clip = await _speak(admin)
            # The audio: for administrators, logged in, never cached; nobody else.
            url = house.base + AUDIO.format(clip_id=clip["id"])
            assert await _audio_status(session, url, house.owner) == 200
            assert await _audio_status(session, url, house.guest) == 403
            assert await _audio_status(session, url, None) == 401

            await _hear_correct_and_approve(page, panel, clip)
            await _approve_and_delete_many(page, panel, other=await _speak(admin))
            bundle = await _export(page, panel, house, clip)
            assert _kept_files(house.config_dir)  # the check below can see what is kept

            page.once("dialog", lambda dialog: dialog.accept())
            await panel.locator("#stop-sharing").click()
            await expect(panel.locator("#sharing-state")).to_have_text("Off")
            await expect(panel.locator("#no-clips")).to_be_visible()
            await expect(panel.locator("#no-exports")).to_be_visible()
            await expect(panel.locator("#consent-log")).to_contain_text(
                "Stopped sharing and withdrew consent (1 clip, 1 export deleted)"
            )
            await screenshot(page, "5-stopped")
            listed = await admin.call("indoor_voice/review/list")
            assert listed == {"sharing": False, "clips": [], "exports": []}
        finally:
            await admin.close()
    assert not bundle.exists()
    assert _kept_files(house.config_dir) == []


async def test_a_user_who_is_not_an_administrator_never_sees_the_review(
    house: House, browser: Browser
) -> None:
    page = await open_as(browser, house, house.guest)
    await page.goto(f"{house.base}/")
    sidebar = page.locator("ha-sidebar")
    await expect(sidebar.get_by_text("Overview")).to_be_visible()
    await expect(sidebar.get_by_text("Voice review")).to_have_count(0)
    await page.goto(f"{house.base}/{PANEL}")
    await expect(sidebar.get_by_text("Overview")).to_be_visible()
    await expect(page.locator(PANEL)).to_have_count(0)
    await screenshot(page, "6-guest")

    async with aiohttp.ClientSession() as session:
        url = house.base + AUDIO.format(clip_id="0123456789abcdef")
        guest = {"Authorization": f"Bearer {house.guest.access_token}"}
        async with session.get(url, headers=guest) as answer:
            assert answer.status == 403
        async with session.get(url) as answer:
            assert answer.status == 401
        visitor = await HomeAssistantSocket.connect(session, house.base, house.guest.access_token)
        for command in ("indoor_voice/review/list", "indoor_voice/review/consent"):
            try:
                await visitor.call(command)
            except CommandFailed as refused:
                assert refused.code == "unauthorized"
            else:
                raise AssertionError(f"{command} answered a user who is not an administrator")
        await visitor.close()


async def test_a_german_speaking_administrator_reads_the_page_in_german(
    house: House, browser: Browser
) -> None:
    page = await open_as(browser, house, house.owner, locale="de-DE")
    await page.goto(f"{house.base}/{PANEL}")
    panel = page.locator(PANEL)
    await expect(panel.locator("header")).to_have_text("Sprachaufnahmen prüfen")
    await expect(panel.locator("#sharing h2")).to_have_text("Teilen")
    await expect(panel.locator("#sharing-state")).to_have_text("Aus")
    await expect(panel.locator("#clips h2")).to_have_text("Aufbewahrte Clips (0)")
    await expect(panel.locator("#no-clips")).to_have_text("Es werden keine Clips aufbewahrt.")
    await expect(panel.locator("#no-exports")).to_have_text("Keine Exporte.")
    # Whatever the other tests left in the consent record: German words, German plurals.
    log = panel.locator("#consent-log")
    if await log.count():
        await expect(log.locator("th").first).to_have_text("Wann")
        await expect(log).not_to_contain_text("clips")
        await expect(log).to_contain_text("1 Clip, 1 Export gelöscht")
    await screenshot(page, "7-german")
