"""Integration tests run inside Home Assistant's test harness against the real engine."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import pytest
import pytest_socket
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.indoor_voice.const import CONF_KIND, DOMAIN, EntryKind
from testbed.assist import add_satellite, async_setup_kitchen
from testbed.engine_process import MODELS, EngineProcess, start_engine
from testbed.satellite_process import SatelliteProcess
from testbed.speech import espeak, silence
from testbed.voice_mirror import VOICES, voice_mirror
from tests.conftest import StartSatellite
from tests.support.deprecations import DeprecationWatch


@pytest.fixture(autouse=True)
def _harness(enable_custom_integrations: None, socket_enabled: None) -> None:
    """Load custom_components/, and allow loopback sockets (everything else stays blocked)."""


@pytest.fixture(autouse=True)
def no_deprecated_use() -> Iterator[DeprecationWatch]:
    """Fail a test in which Home Assistant reports that our integration uses something
    deprecated (tests/support/deprecations.py)."""
    watch = DeprecationWatch()
    logging.getLogger().addHandler(watch)
    try:
        yield watch
    finally:
        logging.getLogger().removeHandler(watch)
    assert not watch.reports, "Home Assistant reports a deprecated use:\n" + "\n".join(
        watch.reports
    )


@pytest.fixture
async def core(hass: HomeAssistant, tmp_path: Path) -> HomeAssistant:
    """Home Assistant with its core integration (conversation needs it), and a config dir
    of its own, so a test can see every file written under it."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    hass.config.config_dir = str(config_dir)
    assert await async_setup_component(hass, "homeassistant", {})
    return hass


def engine_entry(
    engine: EngineProcess, *, port: int | None = None, **options: object
) -> MockConfigEntry:
    """The engine's entry; `port`: one that leads to the engine's (a link), if not its own."""
    port = port or engine.port
    return MockConfigEntry(
        domain=DOMAIN,
        title="Indoor Voice engine (127.0.0.1)",
        unique_id=f"{engine.host}:{port}",
        data={CONF_KIND: EntryKind.ENGINE, CONF_HOST: engine.host, CONF_PORT: port},
        options=options,
    )


async def add_wyoming_integration(hass: HomeAssistant, engine: EngineProcess) -> MockConfigEntry:
    """Home Assistant's own wyoming integration, using the engine."""
    entry = MockConfigEntry(domain="wyoming", data={CONF_HOST: engine.host, CONF_PORT: engine.port})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture(scope="module")
def multilingual_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """The engine, online but only to a loopback mirror with a voice of each language."""
    workdir = tmp_path_factory.mktemp("multilingual-engine")
    # The harness allows sockets only inside a test; the mirror's server is made here, once
    # (it serves while the tests run, when loopback is allowed).
    with contextlib.ExitStack() as stack:
        pytest_socket.enable_socket()
        try:
            voices = stack.enter_context(voice_mirror(workdir, sorted(VOICES)))
        finally:
            pytest_socket.disable_socket(allow_unix_socket=True)
        engine = start_engine(
            workdir, f"--piper-voices={voices}", data_dirs=(workdir / "data", MODELS), offline=False
        )
        yield engine
        engine.stop()
    assert not engine.non_loopback_attempts(), engine.non_loopback_attempts()


@pytest.fixture
async def engine_loaded(core: HomeAssistant, engine_process: EngineProcess) -> MockConfigEntry:
    """The shared engine, added and set up."""
    entry = engine_entry(engine_process)
    entry.add_to_hass(core)
    assert await core.config_entries.async_setup(entry.entry_id)
    await core.async_block_till_done()
    return entry


@pytest.fixture
async def home(core: HomeAssistant, engine_loaded: MockConfigEntry, kitchen: str) -> HomeAssistant:
    """The shared engine added, a kitchen light, and the APIs the UI uses (set up before
    the first HTTP client freezes the router)."""
    assert await async_setup_component(core, "config", {})
    assert await async_setup_component(core, "websocket_api", {})
    await core.async_block_till_done()
    return core


@pytest.fixture
async def kitchen(core: HomeAssistant) -> str:
    """A home with a "Kitchen Light" (a template light over an input_boolean)."""
    return await async_setup_kitchen(core)


@pytest.fixture
async def living_room(
    core: HomeAssistant,
    engine_loaded: MockConfigEntry,
    kitchen: str,
    start_satellite: StartSatellite,
) -> tuple[SatelliteProcess, ConfigEntry]:
    """A satellite in a home with a kitchen light, paired and connected."""
    satellite = await start_satellite()
    return satellite, await add_satellite(core, satellite)


def satellite_entity_id(hass: HomeAssistant, entry: ConfigEntry, domain: str, key: str) -> str:
    """The entity id of one of the satellite's entities (`key` as in its unique id)."""
    entity_id = er.async_get(hass).async_get_entity_id(domain, DOMAIN, f"{entry.entry_id}-{key}")
    assert entity_id is not None
    return entity_id


async def satellite_action(
    hass: HomeAssistant, entry: ConfigEntry, action: str, **data: Any
) -> Any:
    """An assist_satellite action on the satellite of `entry`, as an automation runs it;
    the answer of `ask_question`."""
    return await hass.services.async_call(
        "assist_satellite",
        action,
        {"entity_id": satellite_entity_id(hass, entry, "assist_satellite", "assist_satellite")}
        | data,
        blocking=True,
        return_response=action == "ask_question",
    )


async def speak(satellite: SatelliteProcess, text: str, quiet_before: float = 1.0) -> None:
    """Say `text` in the satellite's room, and return once the satellite has heard it all."""
    await satellite.microphone.hear(silence(quiet_before) + espeak(text) + silence(2.0))


def answer(satellite: SatelliteProcess, text: str, quiet_after: float = 2.0) -> None:
    """Say `text` now, to a satellite listening without a wake word."""
    satellite.microphone.say(espeak(text) + silence(quiet_after))


def zeroconf_info(
    host: str, port: int, service_type: str, instance: str, **properties: str
) -> ZeroconfServiceInfo:
    """What zeroconf reports of the service `instance` at host:port."""
    return ZeroconfServiceInfo(
        ip_address=ip_address(host),
        ip_addresses=[ip_address(host)],
        hostname=f"{instance.lower().replace(' ', '-')}.local.",
        name=f"{instance}.{service_type}",
        port=port,
        type=service_type,
        properties=properties,
    )
