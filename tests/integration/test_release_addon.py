"""The add-on of a released version, built as the Supervisor builds it with build.yaml's
ENGINE_SOURCE set to `index`: the engine is that version's wheel from the package index (a
package index on 127.0.0.1 stands in for the public one, serving the wheel a release
publishes), not the clone's code. It starts offline with its options, is discovered and
carries a spoken command through Home Assistant. Without that wheel on the index the build
stops and says so: it never falls back to other code.

Needs podman (scripts/setup installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant

from tests.support.addon_discovery import async_add_with_one_click_and_speak
from tests.support.addon_store import built_addon, engine_digests, own_tag, supervisor_build
from tests.support.container import EngineContainer, why_no_container
from tests.support.release import (
    Distributions,
    LocalIndex,
    build_distributions,
    given_distributions,
    local_index,
)
from tests.support.supervisor import FakeSupervisor, fake_supervisor, running_addon

pytestmark = pytest.mark.models

ARCH = "amd64"


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> Distributions:
    if reason := why_no_container():
        pytest.skip(f"the add-on is not built here: {reason}")
    return given_distributions() or build_distributions(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def index(
    distributions: Distributions, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalIndex]:
    with local_index(tmp_path_factory.mktemp("index"), distributions.wheel) as serving:
        yield serving


@pytest.fixture(scope="module")
def built(index: LocalIndex) -> Iterator[str]:
    overrides = {"ENGINE_SOURCE": "index", "ENGINE_INDEX_URL": index.url}
    with built_addon(ARCH, tag=own_tag("release-addon"), **overrides) as image:
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
    with running_addon(built, "indoor-voice-release", supervisor, folder) as container:
        yield container


async def test_a_released_version_installs_that_versions_wheel(
    core: HomeAssistant,
    kitchen: str,
    distributions: Distributions,
    index: LocalIndex,
    built: str,
    installed: EngineContainer,
    supervisor: FakeSupervisor,
) -> None:
    assert index.downloads() == [f"/simple/indoor-voice/{distributions.wheel.name}"]
    assert engine_digests(built) == {
        **distributions.wheel_digests("indoor_voice_engine"),
        "direct_url": "None",  # from an index, not from a folder
    }
    await async_add_with_one_click_and_speak(core, kitchen, installed, supervisor)


def test_without_the_release_on_the_index_the_build_stops(
    built: str, tmp_path: Path, distributions: Distributions
) -> None:
    with local_index(tmp_path / "empty") as empty:
        done = supervisor_build(ARCH, ENGINE_SOURCE="index", ENGINE_INDEX_URL=empty.url)
    assert done.returncode != 0
    assert f"No matching distribution found for indoor-voice[engine]=={distributions.version}" in (
        done.stderr
    )
