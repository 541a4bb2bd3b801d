"""The engine for households that cannot pip install it: the container image, built from this
checkout and run offline with the models volume, as Home Assistant's Supervisor runs the
add-on. It announces itself, is added with one click, hears the wake word, transcribes the
command and speaks the reply, as an unprivileged user that writes nothing outside /data.

Needs podman (scripts/container check says why not, and the tests are skipped).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant

from testbed.engine_process import MODELS
from testbed.wyoming_client import describe
from tests.support.addon_discovery import async_add_with_one_click_and_speak
from tests.support.container import (
    EngineContainer,
    build_image,
    free_port,
    podman,
    start_container,
    why_no_container,
)
from tests.support.supervisor import FakeSupervisor, fake_supervisor, start_as_addon

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def image() -> str:
    if reason := why_no_container():
        pytest.skip(f"the engine's container image is not built here: {reason}")
    return build_image()


@pytest.fixture(scope="module")
def supervisor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeSupervisor]:
    with fake_supervisor(tmp_path_factory.mktemp("supervisor")) as running:
        yield running


@pytest.fixture(scope="module")
def addon(
    image: str, supervisor: FakeSupervisor, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineContainer]:
    """The engine container as the Supervisor starts the add-on."""
    container = start_as_addon(
        image, "indoor-voice-test", supervisor, tmp_path_factory.mktemp("addon")
    )
    yield container
    container.stop()
    podman("rm", container.name)


async def test_the_add_on_is_added_with_one_click_and_carries_a_command(
    core: HomeAssistant, kitchen: str, addon: EngineContainer, supervisor: FakeSupervisor
) -> None:
    print(f"container start to first info: {addon.cold_start:.1f} s")
    await async_add_with_one_click_and_speak(core, kitchen, addon, supervisor)


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
