"""The engine for households that cannot pip install it: the container image, built from this
checkout and run offline with the models volume, as Home Assistant's Supervisor runs the
add-on. It announces itself, is added with one click, hears the wake word, transcribes the
command and speaks the reply, as an unprivileged user that writes nothing outside /data.

Needs podman (scripts/container check says why not, and the tests are skipped).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.hassio import HassioServiceInfo

from custom_components.indoor_voice.const import DOMAIN
from testbed.assist import async_hey_jarvis_turn_on_the_kitchen_light
from testbed.engine_process import MODELS
from testbed.processes import REPO
from testbed.wyoming_client import describe
from tests.support.container import (
    EngineContainer,
    build_image,
    free_port,
    podman,
    start_container,
    why_no_container,
)

pytestmark = pytest.mark.models

ADDON_HOST = "indoor-voice-engine"  # the add-on's host name on the Supervisor's network
TOKEN = "f3a6c0e1d2b4"  # noqa: S105 - a made-up Supervisor token
OPTIONS = {
    "voice": "en_US-joe-medium",
    "wake_words": ["hey_jarvis"],
    "threads": 2,
    "beam_size": 1,
    "offline": True,
}


@dataclass
class FakeSupervisor:
    port: int
    process: subprocess.Popen[str]
    out: Path

    def requests(self, at_least: int = 1, timeout: float = 10) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        while True:
            lines = self.out.read_text().splitlines()[1:]
            if len(lines) >= at_least or time.monotonic() > deadline:
                return [json.loads(line) for line in lines]
            time.sleep(0.05)


@pytest.fixture(scope="module")
def image() -> str:
    if reason := why_no_container():
        pytest.skip(f"the engine's container image is not built here: {reason}")
    return build_image()


@pytest.fixture(scope="module")
def supervisor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeSupervisor]:
    out = tmp_path_factory.mktemp("supervisor") / "requests"
    with out.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.fake_supervisor"],
            cwd=REPO,
            stdout=sink,
            text=True,
        )
    while not out.read_text().strip():
        assert process.poll() is None, "the fake Supervisor did not start"
        time.sleep(0.05)
    yield FakeSupervisor(int(out.read_text().split()[0]), process, out)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def addon(
    image: str, supervisor: FakeSupervisor, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineContainer]:
    """The engine container as the Supervisor starts the add-on: its options in
    /data/options.json, a token, and the models already in the /data volume (read-only)."""
    workdir = tmp_path_factory.mktemp("addon")
    data = workdir / "data"
    data.mkdir()
    (data / "options.json").write_text(json.dumps(OPTIONS))
    container = start_container(
        image,
        f"indoor-voice-test-{os.getpid()}",
        free_port(),
        workdir,
        podman_args=(
            *("--hostname", ADDON_HOST),
            *("-e", f"SUPERVISOR_TOKEN={TOKEN}"),
            *("-e", f"SUPERVISOR_API=http://127.0.0.1:{supervisor.port}"),
            *("-v", f"{data}:/data"),
            *("-v", f"{MODELS.resolve()}:/data/models:ro"),
        ),
    )
    yield container
    container.stop()
    podman("rm", container.name)


async def test_the_add_on_is_added_with_one_click_and_carries_a_command(
    core: HomeAssistant, kitchen: str, addon: EngineContainer, supervisor: FakeSupervisor
) -> None:
    print(f"container start to first info: {addon.cold_start:.1f} s")
    assert supervisor.requests() == [
        {
            "path": "/discovery",
            "authorization": f"Bearer {TOKEN}",
            "body": {"service": DOMAIN, "config": {"uri": f"tcp://{ADDON_HOST}:{addon.port}"}},
        }
    ]
    # Home Assistant reaches an add-on by its host name on the Supervisor's network; this
    # container's network is this machine's, so the same port is on 127.0.0.1.
    discovery = HassioServiceInfo(
        config={"uri": addon.uri, "addon": "Indoor Voice engine"},
        name="Indoor Voice engine",
        slug="local_indoor_voice_engine",
        uuid="5f0c2a7e9d8b4c1aa3e6b7d8c9f01234",
    )
    result = await core.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_HASSIO}, data=discovery
    )
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "hassio_confirm"
    result = await core.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await core.async_block_till_done()

    # The add-on's options reached the engine: only the chosen wake word is loaded.
    info = await describe(addon.host, addon.port)
    assert [m.name for p in info.wake for m in p.models] == ["hey_jarvis"]
    await async_hey_jarvis_turn_on_the_kitchen_light(core, kitchen, addon.host, addon.port)


def test_the_container_is_unprivileged_healthy_and_wrote_nothing_outside_data(
    addon: EngineContainer,
) -> None:
    """After the commands above: the engine runs as indoor-voice, the image's health check
    (a Wyoming describe) passes, and the root filesystem is as the image left it."""
    assert podman("top", addon.name, "user").split()[1:] == ["indoor-voice"]
    podman("healthcheck", "run", addon.name)
    assert addon.changed_outside_data() == []


async def test_a_root_owned_data_volume_is_given_to_the_engine_user(
    image: str, tmp_path: Path
) -> None:
    """/data as Docker and the Supervisor make it, root's: the entry point gives the models
    folder (and only that) to the engine's user before it drops its privileges. Without add-on
    options, every installed wake word is served."""
    data = tmp_path / "data"
    shutil.copytree(MODELS / "wake", data / "models" / "wake")
    container = start_container(
        image,
        f"indoor-voice-test-plain-{os.getpid()}",
        free_port(),
        tmp_path,
        podman_args=("-v", f"{data}:/data"),
        engine_args=("--offline", "--disable", "stt", "--disable", "tts"),
    )
    try:
        models = data / "models"
        assert {p.stat().st_uid for p in [models, *models.rglob("*")]} == {1000}
        assert data.stat().st_uid == 0
        info = await describe(container.host, container.port)
        served = sorted(m.name for p in info.wake for m in p.models)
        assert served == ["alexa", "hey_jarvis", "hey_mycroft", "hey_rhasspy"]
        assert container.changed_outside_data() == []
    finally:
        container.stop()
        podman("rm", container.name)
