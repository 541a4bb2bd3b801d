"""A household on Home Assistant OS adds this repository to the add-on store, with nothing
published anywhere (no image, no package release, no tag), and installs the engine: the
Supervisor builds the add-on on its own machine from the clone, with the add-on's folder
alone as the build context and the build arguments it passes; the add-on starts offline with
its options in /data/options.json, is discovered, and carries a spoken command through Home
Assistant.

Done here as the Supervisor does it (tests/support/addon_store.py says how, and what differs:
a local stand-in for the base image). Needs podman (scripts/setup installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant

from testbed.processes import REPO
from tests.support.addon_discovery import async_add_with_one_click_and_speak
from tests.support.addon_store import (
    StoreAddon,
    built_addon,
    engine_digests,
    file_digests,
    own_tag,
    store,
    supervisor_build,
)
from tests.support.container import EngineContainer, why_no_container
from tests.support.supervisor import FakeSupervisor, fake_supervisor, running_addon

pytestmark = pytest.mark.models

ARCH = "amd64"  # this machine's: the Supervisor builds for the machine it runs on


@pytest.fixture(scope="module")
def addon() -> StoreAddon:
    """The one add-on the store finds in the household's clone of the repository."""
    if reason := why_no_container():
        pytest.skip(f"the add-on is not built here: {reason}")
    (found,) = store(ARCH)
    return found


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clone")


@pytest.fixture(scope="module")
def built(addon: StoreAddon, clone: Path) -> Iterator[str]:
    """The add-on built by the Supervisor's rules from the household's clone."""
    with built_addon(ARCH, clone_into=clone, tag=own_tag("addon-build")) as image:
        yield image


@pytest.fixture(scope="module")
def supervisor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeSupervisor]:
    with fake_supervisor(tmp_path_factory.mktemp("supervisor")) as running:
        yield running


@pytest.fixture(scope="module")
def installed(
    built: str, supervisor: FakeSupervisor, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineContainer]:
    folder = tmp_path_factory.mktemp("installed")
    with running_addon(built, "indoor-voice-addon-build", supervisor, folder) as container:
        yield container


async def test_a_household_installs_the_add_on_with_nothing_published(
    core: HomeAssistant,
    kitchen: str,
    addon: StoreAddon,
    clone: Path,
    built: str,
    installed: EngineContainer,
    supervisor: FakeSupervisor,
) -> None:
    assert addon.folder == ".", "the add-on's folder is the repository's root"
    assert "image" not in addon.config, "with an image named, the Supervisor pulls instead"
    assert addon.build_args["ENGINE_SOURCE"] == "checkout"
    # The engine in the image is the very code of the household's clone.
    assert engine_digests(built) == {
        **file_digests(clone / "indoor_voice_engine"),
        "direct_url": "file:///tmp/src",
    }
    await async_add_with_one_click_and_speak(core, kitchen, installed, supervisor)


def test_a_build_for_another_version_stops_and_says_why(addon: StoreAddon, built: str) -> None:
    """A version in config.yaml that is not the code's (they are one version, checked by
    tests/test_versions.py) would label one code as another: the build refuses."""
    done = supervisor_build(ARCH, BUILD_VERSION="99.0.0")
    assert done.returncode != 0
    version = addon.config["version"]
    assert f"BUILD_VERSION 99.0.0 is not this checkout's version ({version})" in done.stderr


def test_an_unknown_engine_source_stops_and_says_why(built: str) -> None:
    done = supervisor_build(ARCH, ENGINE_SOURCE="github")
    assert done.returncode != 0
    assert "ENGINE_SOURCE is checkout or index, not 'github'" in done.stderr


def test_the_clone_is_what_git_tracks(clone: Path, built: str) -> None:
    """The stand-in for the Supervisor's clone leaves out what a clone would not have."""
    assert (clone / "Dockerfile").is_file() and (clone / "config.yaml").is_file()
    assert not (clone / ".venv").exists() and not (clone / ".models").exists()
    assert (REPO / ".venv").exists()
