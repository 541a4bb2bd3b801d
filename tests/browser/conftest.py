"""The review page in a real browser: Debian's Chromium driven by Playwright, against a real
Home Assistant (with its frontend) and the real engine, all on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import pytest_socket
from playwright.async_api import Browser, Page, async_playwright, expect

from testbed.engine_process import EngineProcess
from testbed.processes import REPO
from tests.support.ha_websocket import CommandFailed, HomeAssistantSocket
from tests.support.home_assistant_process import (
    PASSWORD,
    HomeAssistantProcess,
    Tokens,
    start_home_assistant,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / ".screenshots"  # git-ignored: for reviewers
# Home Assistant's frontend is a large app: on a busy 2-core machine its first render of the
# sidebar or a panel can take well over Playwright's default 5 s. What the tests wait for
# still has to appear; it is only given the time a slow machine needs.
PAGE_TIMEOUT_MS = 30_000
expect.set_options(timeout=PAGE_TIMEOUT_MS)


@dataclass
class House:
    """A running Home Assistant with Indoor Voice on the engine, an owner and a guest."""

    home: HomeAssistantProcess
    owner: Tokens
    guest: Tokens

    @property
    def base(self) -> str:
        return self.home.base

    @property
    def config_dir(self) -> Path:
        return self.home.config_dir


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """The harness blocks sockets; these tests talk to 127.0.0.1 (nothing else is allowed)."""


async def _set_up(home: HomeAssistantProcess, engine: EngineProcess) -> House:
    await home.async_wait_ready()
    async with aiohttp.ClientSession() as session:
        owner = await home.async_onboard(session, "Alex")
        headers = {"Authorization": f"Bearer {owner.access_token}"}
        # Add the engine through the integration's form, as Settings → Add integration does.
        flows = f"{home.base}/api/config/config_entries/flow"
        async with session.post(flows, json={"handler": "indoor_voice"}, headers=headers) as r:
            flow = await r.json()
        form = {"host": engine.host, "port": engine.port}
        async with session.post(f"{flows}/{flow['flow_id']}", json=form, headers=headers) as r:
            assert (await r.json())["type"] == "create_entry"
        admin = await HomeAssistantSocket.connect(session, home.base, owner.access_token)
        # Since 2026.10 Home Assistant moves http: from YAML into its storage as a trial and
        # asks an administrator to keep it (else it reverts in 5 minutes): keep it, as they would.
        with contextlib.suppress(CommandFailed):  # no such command, or nothing to keep
            await admin.call("http/config/promote")
        user = await admin.call("config/auth/create", name="Sam", group_ids=["system-users"])
        await admin.call(
            "config/auth_provider/homeassistant/create",
            user_id=user["user"]["id"],
            username="sam",
            password=PASSWORD,
        )
        await admin.close()
        guest = await home.async_login(session, "sam")
    return House(home, owner, guest)


@pytest.fixture(scope="module")
def house(
    tmp_path_factory: pytest.TempPathFactory, engine_process: EngineProcess
) -> Iterator[House]:
    # Set up once for the module, before the tests' own socket_enabled: loopback only.
    pytest_socket.socket_allow_hosts(["127.0.0.1"])
    pytest_socket.enable_socket()
    home = start_home_assistant(tmp_path_factory.mktemp("home-assistant"))
    try:
        yield asyncio.run(_set_up(home, engine_process))
    finally:
        home.stop()
    # Nothing of ours went wrong or is on its way out in this Home Assistant's own log.
    ours = [line for line in home.output().splitlines() if "indoor_voice" in line]
    assert not [line for line in ours if "ERROR" in line or "deprecat" in line.lower()], ours


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        await chromium.close()


async def open_as(browser: Browser, house: House, tokens: Tokens, locale: str = "en-US") -> Page:
    """A browser tab logged in as a user (the frontend's stored login, as after "keep me
    logged in"), in a browser set to `locale` (the frontend speaks its language)."""
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, locale=locale, accept_downloads=True
    )
    stored = json.dumps(tokens.for_browser(house.base))
    await context.add_init_script(f"window.localStorage.setItem('hassTokens', {stored!r});")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return await context.new_page()


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
