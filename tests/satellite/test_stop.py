"""A stop (systemctl stop, a restart) is quick and clean: under a second, no traceback."""

from __future__ import annotations

import asyncio
import shlex
import sys
import time

import pytest

from testbed.busy import oversubscription
from testbed.satellite_process import HERE, SatelliteProcess, wait_for
from tests.conftest import StartSatellite

from .home_assistant import HomeAssistant

STOP_DEADLINE = 1.0  # the promise; a stop takes about 0.2 s here


def _deadline() -> float:
    """The promise, stretched on a busy machine (a stop that hangs waits on a timeout and
    shows on any machine)."""
    return STOP_DEADLINE * oversubscription()


def _stop_seconds(satellite: SatelliteProcess) -> float:
    assert satellite.process is not None
    started = time.monotonic()
    satellite.process.terminate()
    satellite.process.wait(30)
    return time.monotonic() - started


@pytest.mark.parametrize("mic_speed", [1.0, 1000.0], ids=["microphone", "flooding-microphone"])
async def test_the_satellite_stops_within_a_second_without_a_traceback(
    start_satellite: StartSatellite, mic_speed: float, tmp_path: object
) -> None:
    """A microphone faster than the satellite reads fills its pipe and blocks writing."""
    satellite = await start_satellite()
    if mic_speed != 1.0:
        satellite.stop()
        mic = satellite.microphone
        command = [sys.executable, str(HERE / "file_mic.py"), str(mic.queue), str(mic.marker)]
        satellite.args = (f"--mic-command={shlex.join([*command, str(mic_speed)])}",)
        await asyncio.to_thread(satellite.launch)
    await wait_for(lambda: satellite.microphone.running, "the microphone to run")
    await asyncio.sleep(1.0)  # a flooding microphone has filled the pipe by now
    seconds = await asyncio.to_thread(_stop_seconds, satellite)
    assert satellite.process is not None and satellite.process.returncode == 0
    assert seconds < _deadline()
    assert "Traceback" not in satellite.log_text()
    assert not satellite.microphone.running


async def test_the_satellite_stops_within_a_second_with_home_assistant_connected(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        seconds = await asyncio.to_thread(_stop_seconds, satellite)
    assert seconds < _deadline()
    assert "Traceback" not in satellite.log_text()
