"""scripts/develop's Home Assistant: prepared without touching the venv, and a quiet start.

Home Assistant installs what its integrations ask for unless told not to; once, that replaced
about 40 of the venv's packages (pins among them) and broke its DNS lookups. And a developer's
first visit should not meet a red "Failed to set up" card or tracebacks: onboarding used to
add a cloud voice, the weather and a radio browser, whose libraries the venv does not have.
The dev Home Assistant is prepared the way scripts/develop prepares it (its configuration,
scripts/develop-seed), the venv compared with `pip freeze` before and after; then it is
started as scripts/develop starts it, onboarded as its first screen does, and its log read.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_socket

from testbed.engine_process import EngineProcess, free_port
from testbed.processes import REPO
from tests.support.home_assistant_process import HomeAssistantProcess

SETTLE_SECONDS = 5.0  # after onboarding: what it starts in the background gets to run
_NOT_SETTLED = ("not_loaded", "setup_in_progress")


@dataclass
class Prepared:
    config_dir: Path
    port: int
    seeded: subprocess.CompletedProcess[str]
    before: str  # pip freeze before and after
    after: str


def _freeze() -> str:
    return subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def prepared(
    tmp_path_factory: pytest.TempPathFactory, engine_process: EngineProcess
) -> Iterator[Prepared]:
    """config/ as scripts/develop makes it on a first run, on a port of its own (a developer
    may be running theirs)."""
    # Set up before the tests' own socket_enabled: loopback only.
    pytest_socket.socket_allow_hosts(["127.0.0.1"])
    pytest_socket.enable_socket()
    config = tmp_path_factory.mktemp("develop") / "config"
    config.mkdir()
    port = free_port()
    yaml = (REPO / "config" / "configuration.yaml").read_text()
    yaml = re.sub(r"(http:\n)", rf"\1  server_port: {port}\n", yaml, count=1)
    (config / "configuration.yaml").write_text(yaml)
    (config / "custom_components").mkdir()
    (config / "custom_components" / "indoor_voice").symlink_to(
        REPO / "custom_components" / "indoor_voice"
    )
    before = _freeze()
    seed = REPO / "scripts" / "develop-seed"
    seeded = subprocess.run(
        [sys.executable, str(seed), str(config), str(engine_process.port)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    yield Prepared(config, port, seeded, before, _freeze())


def test_preparing_the_dev_home_assistant_installs_nothing(prepared: Prepared) -> None:
    seeded = prepared.seeded
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert "added the engine" in seeded.stdout
    assert prepared.after == prepared.before
    assert "--skip-pip" in (REPO / "scripts" / "develop").read_text()


@pytest.mark.skipif(
    Path(sys.prefix) != REPO / ".venv",
    reason="scripts/develop runs the oldest lane's Home Assistant (.venv)",
)
async def test_the_dev_home_assistant_starts_and_onboards_without_an_error(
    prepared: Prepared, socket_enabled: None
) -> None:
    assert prepared.seeded.returncode == 0, prepared.seeded.stderr
    home = HomeAssistantProcess(prepared.config_dir, prepared.port)
    await asyncio.to_thread(home.launch)
    try:
        await home.async_wait_ready()
        async with aiohttp.ClientSession() as session:
            owner = await home.async_onboard(session, "Alex")
            headers = {"Authorization": f"Bearer {owner.access_token}"}
            steps = await _finish_onboarding(session, home, headers)
            await asyncio.sleep(SETTLE_SECONDS)
            entries = await _settled_entries(session, home, headers)
    finally:
        await asyncio.to_thread(home.stop)

    assert steps == {"user": True, "core_config": True, "analytics": True, "integration": True}
    assert {entry["domain"]: entry["state"] for entry in entries} == {
        "backup": "loaded",
        "indoor_voice": "loaded",
        "sun": "loaded",
    }
    log = home.output()
    assert not [line for line in log.splitlines() if " ERROR " in line], log
    assert "Traceback" not in log, log


async def _finish_onboarding(
    session: aiohttp.ClientSession, home: HomeAssistantProcess, headers: dict[str, str]
) -> dict[str, bool]:
    """What the frontend does after the account: each step not done yet, in order."""
    async with session.get(f"{home.base}/api/onboarding", headers=headers) as answer:
        steps = {step["step"]: step["done"] for step in await answer.json()}
    body: dict[str, dict[str, Any]] = {
        "integration": {"client_id": home.client_id, "redirect_uri": home.client_id}
    }
    for step, done in steps.items():
        if not done:
            url = f"{home.base}/api/onboarding/{step}"
            async with session.post(url, json=body.get(step, {}), headers=headers) as answer:
                assert answer.status == 200, await answer.text()
    async with session.get(f"{home.base}/api/onboarding", headers=headers) as answer:
        return {step["step"]: step["done"] for step in await answer.json()}


async def _settled_entries(
    session: aiohttp.ClientSession, home: HomeAssistantProcess, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """Every config entry, once none is still on its way (a guard against hanging)."""
    url = f"{home.base}/api/config/config_entries/entry"
    async with asyncio.timeout(60):
        while True:
            async with session.get(url, headers=headers) as answer:
                entries: list[dict[str, Any]] = await answer.json()
            if not any(entry["state"] in _NOT_SETTLED for entry in entries):
                return entries
            await asyncio.sleep(0.5)
