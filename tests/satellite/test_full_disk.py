"""The satellite's data dir fills up (an SD card full of logs, say): it keeps running on what
it has. The data dir is a small tmpfs, filled to the last byte: a real ENOSPC from the kernel."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from indoor_voice_link.protocol import set_mute, set_volume
from testbed.satellite_process import SatelliteProcess, make_satellite, wait_for
from testbed.speech import espeak, silence

from .home_assistant import HomeAssistant

pytestmark = pytest.mark.models


def _fill(folder: Path) -> None:
    """Write until the disk says it is full."""
    with (folder / "filler").open("wb", buffering=0) as filler:  # unbuffered: nothing left
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as err:
            assert err.errno == errno.ENOSPC, err


@pytest.fixture
async def satellite_on_a_small_disk(tmp_path: Path) -> AsyncIterator[SatelliteProcess]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs as the satellite's data dir needs root")
    satellite = make_satellite(tmp_path / "satellite")
    satellite.data_dir.mkdir(parents=True)
    mounted = await asyncio.to_thread(
        subprocess.run,
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(satellite.data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        await asyncio.to_thread(satellite.launch)
        yield satellite
    finally:
        await asyncio.to_thread(satellite.stop)
        with contextlib.suppress(subprocess.CalledProcessError):
            await asyncio.to_thread(subprocess.run, ["umount", str(satellite.data_dir)], check=True)


async def test_a_full_disk_leaves_the_satellite_running_on_what_it_has(
    satellite_on_a_small_disk: SatelliteProcess, home_assistant: HomeAssistant
) -> None:
    satellite = satellite_on_a_small_disk
    await home_assistant.pair(satellite)
    kept = (satellite.data_dir / "pairing.json").read_bytes()
    _fill(satellite.data_dir)

    async with home_assistant.session(satellite) as session:
        await session.run()
        await session.send(set_volume(0.5))
        info = await session.next("info")
        assert info.data["satellite"]["volume"] == 0.5
        await session.send(set_mute(True))
        info = await session.next("info")
        assert info.data["satellite"]["muted"] is True  # held in memory: the disk refused
        await wait_for(lambda: not satellite.microphone.running, "the microphone to stop")
        await session.send(set_mute(False))
        await session.next("info")

        satellite.microphone.say(silence(0.5) + espeak("hey jarvis, what time is it"))
        await session.next("run-pipeline")  # still listening, still streaming

    assert "Cannot save the preferences" in satellite.log_text()
    assert "Traceback" not in satellite.log_text()
    assert (satellite.data_dir / "pairing.json").read_bytes() == kept
    assert sorted(p.name for p in satellite.data_dir.iterdir()) == [
        "certificate.pem",
        "filler",
        "key.pem",
        "pairing.json",
    ], "a half-written file was left"
