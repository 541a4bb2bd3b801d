"""Fixtures shared by the engine, integration and satellite tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from testbed.engine_process import MODELS, EngineProcess, start_engine
from testbed.satellite_process import SatelliteProcess, make_satellite

StartSatellite = Callable[..., Awaitable[SatelliteProcess]]


def pytest_sessionstart(session: pytest.Session) -> None:
    if not (MODELS / "stt" / "tiny.en" / "model.bin").is_file():
        raise pytest.UsageError(
            "No models in .models/: run scripts/setup (scripts/test does it for you)"
        )


@pytest.fixture(scope="session")
def engine_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """One real engine for the whole session: real models, offline, on 127.0.0.1."""
    engine = start_engine(tmp_path_factory.mktemp("shared-engine"))
    yield engine
    engine.stop()
    assert not engine.non_loopback_attempts(), engine.non_loopback_attempts()
    assert not engine.sandbox_files(), f"engine wrote files: {engine.sandbox_files()}"


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
    code = json.loads(pairing_json)["code"]
    return [code, code.replace("-", "")]
