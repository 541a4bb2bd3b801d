"""Satellite tests: the real satellite as a subprocess, real models, real TLS on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from .home_assistant import HomeAssistant
from .satellite_process import SatelliteProcess, make_satellite

StartSatellite = Callable[..., Awaitable[SatelliteProcess]]


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """The harness blocks sockets; these tests need loopback (it still refuses the rest)."""


@pytest.fixture
async def start_satellite(tmp_path: Path) -> AsyncIterator[StartSatellite]:
    """Start satellites; when the test ends, stop them and check what they left behind."""
    started: list[SatelliteProcess] = []

    async def start(*args: str, hold_speaker: bool = False) -> SatelliteProcess:
        workdir = tmp_path / f"satellite-{len(started)}"
        satellite = make_satellite(workdir, *args, hold_speaker=hold_speaker)
        started.append(satellite)
        await asyncio.to_thread(satellite.launch)
        return satellite

    yield start
    for satellite in started:
        await asyncio.to_thread(satellite.stop)
    for satellite in started:
        log = satellite.log_text()
        pairing = (satellite.data_dir / "pairing.json").read_text()
        assert "PRIVATE KEY" not in log
        assert not any(code in log for code in _codes(pairing)), "a pairing code was logged"
        assert satellite.sandbox_files() == [], "the satellite wrote files outside its data dir"


def _codes(pairing_json: str) -> list[str]:
    import json  # noqa: PLC0415

    code = json.loads(pairing_json)["code"]
    return [code, code.replace("-", "")]


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
