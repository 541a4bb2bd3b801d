"""A real Home Assistant, with its frontend, as a subprocess on 127.0.0.1: what a household's
browser talks to. Started in a temporary config dir with Indoor Voice linked in; onboarded
through Home Assistant's own onboarding API, as its first screen does. It can be stopped,
killed and started again on the same config dir, as a house's Home Assistant restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from testbed.engine_process import free_port
from testbed.processes import REPO, stop_group

# Only what the review page needs: the frontend (which brings auth, config, onboarding, the
# websocket API, ...) and the core. No default_config: nothing that reaches the internet.
CONFIGURATION = """\
homeassistant:
  name: Test Home
  time_zone: UTC
  country: GB
  unit_system: metric
  currency: EUR
http:
  server_host: 127.0.0.1
  server_port: {port}
frontend:
config:
logger:
  default: warning
"""
# The steps after the first account, done: the onboarding API is used for the account, which
# a household makes in the browser's first screen (the core-config step would set up the
# weather and radio integrations, which reach the internet).
ONBOARDED_BUT_THE_USER = {"done": ["core_config", "analytics", "integration"]}
START_SECONDS = 240  # a first start compiles the frontend's translations; 2 busy cores
PASSWORD = "correct horse battery staple"  # noqa: S105 - a throwaway test account


@dataclass
class Tokens:
    """What the frontend keeps in localStorage ("hassTokens") after a login."""

    access_token: str
    refresh_token: str
    expires_in: int

    def for_browser(self, base: str) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "expires": int(time.time() * 1000) + self.expires_in * 1000,
            "hassUrl": base,
            "clientId": f"{base}/",
        }


@dataclass
class HomeAssistantProcess:
    config_dir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.config_dir.parent / "home-assistant.out"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def client_id(self) -> str:
        return f"{self.base}/"

    def launch(self) -> None:
        """Start it (again, after a stop or a kill: the log goes on)."""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                # --skip-pip: this Home Assistant runs with the lane's libraries, never adds any.
                [sys.executable, "-m", "homeassistant", "-c", str(self.config_dir), "--skip-pip"],
                cwd=self.config_dir.parent,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def async_wait_ready(self, access_token: str | None = None) -> None:
        """Until the onboarding API answers (the HTTP server and the frontend are up); once
        onboarded (the onboarding API is gone then), until the REST API answers the owner."""
        path = "/api/onboarding" if access_token is None else "/api/"
        headers = {} if access_token is None else {"Authorization": f"Bearer {access_token}"}
        try:
            async with asyncio.timeout(START_SECONDS), aiohttp.ClientSession() as session:
                while True:
                    assert self.process is not None
                    if self.process.poll() is not None:
                        raise RuntimeError(f"Home Assistant exited:\n{self.output()}")
                    with contextlib.suppress(aiohttp.ClientError):
                        async with session.get(f"{self.base}{path}", headers=headers) as answer:
                            if answer.status == 200:
                                return
                    await asyncio.sleep(0.5)
        except TimeoutError:
            raise TimeoutError(f"Home Assistant did not start:\n{self.output()[-5000:]}") from None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        stop_group(self.process, grace=60)

    def kill(self) -> None:
        """Die at once, as on a power cut or an out-of-memory kill: no goodbye."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(5)

    # -- accounts ------------------------------------------------------------------------

    async def async_token(self, session: aiohttp.ClientSession, code: str) -> Tokens:
        data = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        async with session.post(f"{self.base}/auth/token", data=data) as answer:
            assert answer.status == 200, await answer.text()
            found = await answer.json()
        return Tokens(found["access_token"], found["refresh_token"], found["expires_in"])

    async def async_onboard(self, session: aiohttp.ClientSession, name: str) -> Tokens:
        """The owner's account, as the first screen makes it; a login for them."""
        account = {
            "client_id": self.client_id,
            "name": name,
            "username": name.lower(),
            "password": PASSWORD,
            "language": "en",
        }
        async with session.post(f"{self.base}/api/onboarding/users", json=account) as answer:
            assert answer.status == 200, await answer.text()
            code = (await answer.json())["auth_code"]
        return await self.async_token(session, code)

    async def async_login(self, session: aiohttp.ClientSession, username: str) -> Tokens:
        """Log in through the login flow the login page uses."""
        flow = {
            "client_id": self.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": self.client_id,
        }
        async with session.post(f"{self.base}/auth/login_flow", json=flow) as answer:
            flow_id = (await answer.json())["flow_id"]
        step = {"client_id": self.client_id, "username": username, "password": PASSWORD}
        async with session.post(f"{self.base}/auth/login_flow/{flow_id}", json=step) as answer:
            result = await answer.json()
        assert result["type"] == "create_entry", result
        return await self.async_token(session, result["result"])


def prepare_config(config_dir: Path, port: int, configuration: str = CONFIGURATION) -> None:
    """A config dir with Indoor Voice installed as HACS installs it (one folder);
    `configuration`: configuration.yaml, with `{port}` for the HTTP port."""
    (config_dir / "custom_components").mkdir(parents=True)
    (config_dir / "custom_components" / "indoor_voice").symlink_to(
        REPO / "custom_components" / "indoor_voice"
    )
    (config_dir / "configuration.yaml").write_text(configuration.format(port=port))
    storage = config_dir / ".storage"
    storage.mkdir()
    onboarding = {"version": 4, "minor_version": 1, "key": "onboarding"}
    (storage / "onboarding").write_text(json.dumps({**onboarding, "data": ONBOARDED_BUT_THE_USER}))


def start_home_assistant(workdir: Path, configuration: str = CONFIGURATION) -> HomeAssistantProcess:
    config_dir = workdir / "config"
    port = free_port()
    prepare_config(config_dir, port, configuration)
    home = HomeAssistantProcess(config_dir, port)
    home.launch()
    return home
