"""Satellite tests: the real satellite as a subprocess, real models, real TLS on 127.0.0.1."""

from __future__ import annotations

import pytest

from testbed.satellite_process import SatelliteProcess
from tests.conftest import StartSatellite

from .home_assistant import HomeAssistant


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """The harness blocks sockets; these tests need loopback (it still refuses the rest)."""


@pytest.fixture
async def satellite(start_satellite: StartSatellite) -> SatelliteProcess:
    return await start_satellite()


@pytest.fixture
async def home_assistant() -> HomeAssistant:
    return await HomeAssistant.create()


@pytest.fixture
async def paired(satellite: SatelliteProcess, home_assistant: HomeAssistant) -> HomeAssistant:
    """A Home Assistant paired with `satellite`."""
    await home_assistant.pair(satellite)
    return home_assistant
